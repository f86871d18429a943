namespace AssetLedger.Api.Cases;

/// <summary>
/// One command on an existing case, as a slice describes it: which core command it is (built from
/// the case, with whatever else it reads), the answer folded from the accepted events, and what those
/// events need written beyond the case stream. <see cref="CaseCommandRunner"/> does the rest.
/// </summary>
public sealed record CaseCommandPlan(CommandContext Context, string Route, Guid CaseId)
{
    /// <summary>The stream the command's key and gate belong to (the case, or a new asset).</summary>
    public Guid StreamId { get; init; } = CaseId;

    public string NotFound { get; init; } = $"No case {CaseId}.";

    /// <summary>Whether the case holds what the command addresses below it (a distribution); 404 otherwise.</summary>
    public Func<Case, bool> Finds { get; init; } = _ => true;

    /// <summary>The core command, built from the visible case (and what the slice reads besides it).</summary>
    public required Func<CommandScope<Case>, Case, Task<CaseCommand>> Command { get; init; }

    /// <summary>The answer from the case after the accepted events.</summary>
    public required Func<CommandScope<Case>, Case, Task<Outcome.Done>> Answer { get; init; }

    /// <summary>Writes beyond the case stream that the accepted events need (the scope, the previous state, the events).</summary>
    public Func<CommandScope<Case>, Case, IReadOnlyList<object>, Func<IDocumentSession, CancellationToken, Task<Outcome?>>>? Beyond { get; init; }

    public required Func<IDocumentSession, Task<Outcome>> Represent { get; init; }
}

public static class CaseCommandRunner
{
    /// <summary>
    /// Fetches the case stream, refuses a case the caller may not see (404) or a stale expected
    /// version (409), asks <see cref="CaseDecider"/>, and folds the events once into the answer. Case
    /// commands run alone (not <see cref="StreamCommand{T}.Groupable"/>): most read more than the case.
    /// </summary>
    public static Task<Outcome> RunAsync(this CommandExecutor executor, CaseCommandPlan plan, CancellationToken ct) =>
        executor.RunAsync(new StreamCommand<Case>(plan.Context, plan.Route, plan.StreamId)
        {
            Fetch = batch => batch.Events.FetchForWriting<Case>(plan.CaseId),
            Decide = scope => DecideAsync(plan, scope),
            Represent = plan.Represent,
        }, ct);

    private static async Task<Verdict> DecideAsync(CaseCommandPlan plan, CommandScope<Case> scope)
    {
        if (scope.Stream.Aggregate is not { } c || !plan.Context.Caller.CanSee(c.Agencies) || !plan.Finds(c)) return Verdict.NotFound(plan.NotFound);
        var command = await plan.Command(scope, c);
        var decision = CaseDecider.Decide(command, c);
        // The request's own errors (400) come before a stale expectedVersion (409), as api.md orders them.
        if (decision is not Decision.Invalid && Verdict.Stale(plan.Context, "case", c.Version) is { } stale) return stale;
        switch (decision)
        {
            case Decision.Accept { Events: var events }:
                var next = events.Aggregate(c, (s, e) => Case.Evolve(s, e, s.Version + 1));
                return new Verdict.Accept(events, await plan.Answer(scope, next)) { Beyond = plan.Beyond?.Invoke(scope, c, events) };
            case Decision.Refuse refuse:
                return Verdict.Conflict(refuse.Reason);
            case Decision.Invalid invalid:
                return new Verdict.Refuse(new Outcome.Invalid(invalid.Errors.ToDictionary(e => e.Key, e => e.Value)));
            case var other:
                throw new InvalidOperationException($"Unknown decision {other.GetType().Name}.");
        }
    }

    /// <summary>How a case command's slice parses its body into its message (the 400 errors otherwise).</summary>
    public delegate Dictionary<string, string[]>? Parser<TMessage>(Body body, Guid caseId, ApiRequest request, out TMessage? message) where TMessage : class;

    /// <summary>
    /// The endpoint of a command on a case: 404 for an id that is not a UUID, the slice's parse, 400
    /// when the case is visible (else 404), then the message on Wolverine and its outcome as HTTP.
    /// </summary>
    public static async Task<IResult> SendAsync<TMessage>(HttpContext http, string caseId, Parser<TMessage> parse, IMessageBus bus, IDocumentStore store,
        CancellationToken ct) where TMessage : class
    {
        var request = ApiRequest.Of(http);
        if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
        var errors = parse(request.CommandBody, id, request, out var message);
        if (errors is not null) return await InvalidOrNotFoundAsync(store, request.Caller, id, errors, ct);
        return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
    }

    /// <summary>The 400 of a command whose case exists for the caller, else the 404 (the refusal order of api.md).</summary>
    public static async Task<IResult> InvalidOrNotFoundAsync(IDocumentStore store, Caller caller, Guid caseId, Dictionary<string, string[]> errors, CancellationToken ct) =>
        await CaseQueries.VisibleAsync(store, caller, caseId, ct) ? Problems.Validation(errors) : Problems.NotFound($"No case {caseId}.");
}
