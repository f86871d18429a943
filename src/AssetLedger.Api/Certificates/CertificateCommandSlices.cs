using System.Reflection;
using AssetLedger.Api.Cooperation;
using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates;

/// <summary>
/// Declares a certificate command slice: its route segment (<c>POST /api/certificates/{certificateId}/{name}</c>),
/// the title of its action on the certificate page, and the roles that may send it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CertificateCommandAttribute(string name, string title, params string[] roles)
    : ApiRouteAttribute("POST", $"/certificates/{{certificateId}}/{name}", roles)
{
    public string Name { get; } = name;
    public string Title { get; } = title;
}

/// <summary>A certificate command slice: its body parser. The decision is the core's <see cref="CertificateDecider"/>.</summary>
public interface ICertificateCommandSlice
{
    CertificateCommand? Parse(Fields f);
}

public sealed record CertificateCommandSlice(CertificateCommandAttribute Route, ICertificateCommandSlice Parser)
{
    public string Name => Route.Name;
}

/// <summary>
/// What every certificate command shares: the route, the parse, and the run through the executor,
/// with the messages the new events owe the other State's ledger written to the outbox in the same
/// transaction (<see cref="Outbox"/>).
/// </summary>
public static class CertificateCommandSlices
{
    private static readonly Lazy<IReadOnlyList<CertificateCommandSlice>> all = new(() =>
        typeof(CertificateCommandSlices).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CertificateCommandAttribute>() is not null)
            .Select(t => new CertificateCommandSlice(t.GetCustomAttribute<CertificateCommandAttribute>()!,
                (ICertificateCommandSlice)(Activator.CreateInstance(t) ?? throw new InvalidOperationException(t.Name))))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<CertificateCommandSlice> All => all.Value;

    public static CertificateCommandSlice? Find(string? name) => All.FirstOrDefault(s => s.Name == name);

    internal static void Map(RouteGroupBuilder api)
    {
        foreach (var slice in All)
            api.MapPost(slice.Route.Pattern,
                    (HttpContext http, string certificateId, CommandExecutor executor, IDocumentStore store, NodaTime.IClock clock, CancellationToken ct) =>
                        ExecuteAsync(http, certificateId, slice, executor, store, clock, ct))
                .WithMetadata(slice.Route)
                .WithName("Certificate_" + slice.Name.Replace('-', '_')).WithTags("Certificates");
    }

    private static async Task<IResult> ExecuteAsync(HttpContext http, string idText, CertificateCommandSlice slice, CommandExecutor executor, IDocumentStore store, NodaTime.IClock clock, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        if (!Guid.TryParse(idText, out var id)) return Problems.NotFound($"No certificate {idText}.");
        var errors = Prepare(request.CommandBody, slice, id, request, out var prepared);
        if (errors is not null)
        {
            await using var session = store.QuerySession(request.Caller.Jurisdiction);
            return await session.LoadAsync<Certificate>(id, ct) is not null ? Problems.Validation(errors) : Problems.NotFound($"No certificate {id}.");
        }
        return (await RunAsync(executor, clock, prepared!.Context, prepared.Route, id, prepared.Command, mustExist: true, ct)).ToResult(http);
    }

    public sealed record Prepared(CommandContext Context, string Route, CertificateCommand Command);

    /// <summary>Parses a command body into its context and core command (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, CertificateCommandSlice slice, Guid id, ApiRequest request, out Prepared? prepared)
    {
        prepared = null;
        Guid? commandId = null;
        long? expectedVersion = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            expectedVersion = f.Long("expectedVersion");
            return slice.Parser.Parse(f);
        }, out var command);
        if (errors is not null) return errors;
        var route = $"POST /api/certificates/{id}/{slice.Name}";
        var fingerprint = CommandExecutor.Fingerprint(route, new { command = (object?)command, expectedVersion });
        prepared = new Prepared(request.Context(commandId!.Value, fingerprint, expectedVersion), route, command!);
        return null;
    }

    /// <summary>
    /// Runs one certificate command through the executor: the decider decides on the stream, and the
    /// events that the other ledger must learn go to the outbox in the same transaction. Used by the
    /// API (a user's command) and by the peer endpoint (a message from the other State, <paramref name="peer"/>:
    /// a peer speaks only for the certificates exchanged with it, any other is a 404).
    /// </summary>
    public static Task<Outcome> RunAsync(CommandExecutor executor, NodaTime.IClock clock, CommandContext context, string route, Guid id, CertificateCommand command,
        bool mustExist, CancellationToken ct, string? peer = null) =>
        executor.RunAsync(new StreamCommand<Certificate>(context, route, id)
        {
            Fetch = batch => batch.Events.FetchForWriting<Certificate>(id),
            Decide = async scope =>
                (mustExist ? null : Verdict.IdTaken(scope.Stream, "a certificate"))
                ?? await CaseNotVisibleAsync(scope, context.Caller, command)
                ?? Decide(scope.Stream.Aggregate, context, id, command, scope.Now, mustExist, peer),
            Represent = session => CertificateQueries.CurrentAsync(session, id, clock.GetCurrentInstant(), ct),
        }, ct);

    /// <summary>
    /// A certificate we issue may name our case it comes from; then it becomes part of that case (its
    /// history and audit), so the case must exist and the prosecutor must see it: a 400 on <c>caseId</c>
    /// otherwise, the same for a case that does not exist and one of another agency.
    /// </summary>
    private static async Task<Verdict?> CaseNotVisibleAsync(CommandScope<Certificate> scope, Caller caller, CertificateCommand command) =>
        command is IssueCertificate { Details.CaseId: { } caseId }
        && (await scope.Session.LoadAsync<Case>(caseId, scope.Ct) is not { } c || !caller.CanSee(c.Agencies))
            ? new Verdict.Refuse(new Outcome.Invalid(new Dictionary<string, string[]> { ["caseId"] = [$"No case {caseId} that you can see."] }))
            : null;

    private static Verdict Decide(Certificate? certificate, CommandContext context, Guid id, CertificateCommand command, NodaTime.Instant now, bool mustExist, string? peer)
    {
        if (certificate is null && mustExist) return Verdict.NotFound($"No certificate {id}.");
        if (certificate is not null && peer is not null && certificate.OtherState != peer) return Verdict.NotFound($"No certificate {id} exchanged with {peer}.");
        if (certificate is not null && Verdict.Stale(context, "certificate", certificate.Version) is { } stale) return stale;
        switch (Apply(certificate, command, now))
        {
            case Applied.Accepted { Events: var events, Next: var next, Messages: var messages }:
                var created = certificate is null;
                var answer = next is null
                    ? throw new InvalidOperationException($"A {command.Name} on an absent certificate produced nothing.")
                    : new Outcome.Done(CertificateResponse.From(next, now), next.Version, created, created ? $"/api/certificates/{id}" : null);
                var executedElsewhere = next!.Role == CertificateRole.Issuing && events.Any(e => e is CertificateExecuted);
                return new Verdict.Accept(events, answer)
                {
                    Beyond = messages.Count == 0 && !executedElsewhere ? null : async (session, ct) =>
                    {
                        Store(session, messages);
                        return executedElsewhere ? await NotifyOtherExecutingStatesAsync(session, next, now, ct) : null;
                    },
                };
            case Applied.Refused { Refusal: var refusal }:
                return new Verdict.Refuse(refusal);
            case var other:
                throw new InvalidOperationException($"Unknown result {other.GetType().Name}.");
        }
    }

    /// <summary>
    /// A certificate command decided inside another command's transaction (a distribution or a
    /// settlement of the executing State's case that concerns the certificate): its events are
    /// appended to the certificate's stream and its messages to the outbox, in that transaction, or
    /// the refusal is returned and the whole command changes nothing.
    /// </summary>
    public static async Task<Outcome?> AppendAsync(IDocumentSession session, Guid id, CertificateCommand command, NodaTime.Instant now, CancellationToken ct) =>
        Append(session, await session.Events.FetchForWriting<Certificate>(id, ct), command, now);

    /// <summary>The same, on a certificate stream the caller has fetched for writing (and looked at).</summary>
    public static Outcome? Append(IDocumentSession session, JasperFx.Events.IEventStream<Certificate> stream, CertificateCommand command, NodaTime.Instant now)
    {
        if (stream.Aggregate is null) return new Outcome.NotFound($"No certificate {stream.Id}.");
        switch (Apply(stream.Aggregate, command, now))
        {
            case Applied.Accepted { Events: var events, Messages: var messages }:
                stream.AppendMany(events);
                Store(session, messages);
                return null;
            case Applied.Refused { Refusal: var refusal }:
                return refusal;
            case var other:
                throw new InvalidOperationException($"Unknown result {other.GetType().Name}.");
        }
    }

    /// <summary>
    /// Issuing side, an execution reported under one certificate of an order executed in several States
    /// (Arts 16(2)-(3), 18(4)): every other open certificate of the order is told what remains, in the
    /// transaction that records the execution, so no executing State can recover more than is left.
    /// </summary>
    private static async Task<Outcome?> NotifyOtherExecutingStatesAsync(IDocumentSession session, Certificate executed, NodaTime.Instant now, CancellationToken ct)
    {
        var reference = executed.Details.OrderReference;
        var others = await session.Query<Certificate>()
            .Where(c => c.Role == CertificateRole.Issuing && c.Details.OrderReference == reference && c.Id != executed.Id).ToListAsync(ct);
        if (others.Count == 0 || CertificateDecider.RemainingOfOrder([executed, .. others]) is not { } remaining) return null;
        foreach (var other in others.Where(c => c.ExecutedValue is null))
            if (await AppendAsync(session, other.Id, new NotifyRemainingAmount(remaining), now, ct) is { } refusal) return refusal;
        return null;
    }

    private abstract record Applied
    {
        public sealed record Accepted(IReadOnlyList<object> Events, Certificate? Next, IReadOnlyList<OutboxMessage> Messages) : Applied;
        public sealed record Refused(Outcome Refusal) : Applied;
    }

    /// <summary>The decider's decision, folded: the events, the certificate after them, and the messages they owe the other ledger.</summary>
    private static Applied Apply(Certificate? certificate, CertificateCommand command, NodaTime.Instant now)
    {
        switch (CertificateDecider.Decide(command, certificate, now))
        {
            case Decision.Accept { Events: var events }:
                var next = certificate;
                var version = certificate?.Version ?? 0;
                var messages = new List<OutboxMessage>();
                foreach (var e in events)
                {
                    next = Certificate.Evolve(next, e, ++version, now);
                    if (Outbox.MessageFor(next, (ICertificateEvent)e, now) is { } message) messages.Add(message);
                }
                return new Applied.Accepted(events, next, messages);
            case Decision.Refuse refuse:
                return new Applied.Refused(new Outcome.Conflict(refuse.Reason));
            case Decision.Invalid invalid:
                return new Applied.Refused(new Outcome.Invalid(new Dictionary<string, string[]>(invalid.Errors)));
            case var other:
                throw new InvalidOperationException($"Unknown decision {other.GetType().Name}.");
        }
    }

    /// <summary>The messages go in the command's transaction; <see cref="OutboxCommitListener"/> wakes the delivery once it commits.</summary>
    private static void Store(IDocumentSession session, IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var m in messages) session.Store(m);
    }
}
