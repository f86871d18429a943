namespace AssetLedger.Api.Cases.Opening;

/// <summary>Reserves a case reference in a jurisdiction: the primary key makes uniqueness atomic.</summary>
public sealed class CaseReference
{
    public string Id { get; set; } = "";
    public Guid CaseId { get; set; }

    public static string Key(string reference) => Case.ReferenceKey(reference);
}

public sealed record OpenCaseRequest(CommandContext Context, Guid CaseId, string Reference, string Title, IReadOnlyList<Offence> Offences, IReadOnlyList<string> ParticipatingAgencies);

/// <summary>
/// <c>POST /api/cases</c>: an investigator or prosecutor opens a case; their agency becomes its lead
/// agency. The case id is the command's key, and the reference is unique in the jurisdiction.
/// </summary>
public static class OpenCaseHandler
{
    [ApiRoute("POST", "/cases", Roles.Investigator, Roles.Prosecutor)]
    private static async Task<IResult> OpenCase(HttpContext http, IMessageBus bus, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        var errors = Prepare(request.CommandBody, request, out var message);
        if (errors is not null) return Problems.Validation(errors);
        if (RefuseOpen(request.Caller) is { } refusal) return Problems.Forbidden(refusal);
        return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
    }

    /// <summary>Opening needs an agency claim: it becomes the lead agency (403 otherwise).</summary>
    public static string? RefuseOpen(Caller caller) =>
        string.IsNullOrWhiteSpace(caller.Agency) || caller.Agency.Contains('|')
            ? "Opening a case needs an agency claim in the token (the lead agency)."
            : null;

    /// <summary>Parses a new case into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, ApiRequest request, out OpenCaseRequest? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            var caseId = f.Id("caseId");
            var reference = f.Text("reference", true, 64);
            var title = f.Text("title", true, 200);
            var offences = f.Array<Offence?>("offences", true, 20, (e, name, parent) =>
            {
                if (e.ValueKind == System.Text.Json.JsonValueKind.String && TextRules.TryEnum<Offence>(e.GetString()!, out var o)) return o;
                parent.Fail(name, $"Must be one of: {string.Join(", ", TextRules.EnumNames<Offence>())}.");
                return null;
            });
            var agencies = f.Array<string>("participatingAgencies", false, 50, (e, name, parent) =>
            {
                if (e.ValueKind == System.Text.Json.JsonValueKind.String && e.GetString() is { Length: > 0 and <= 64 } s
                    && !TextRules.HasForbiddenControl(s) && !s.Contains('|')) return s;
                parent.Fail(name, "Must be an agency code of 1–64 characters (no '|').");
                return null;
            });
            return f.Ok ? new OpenCaseRequest(null!, caseId!.Value, reference!, title!, offences.Select(o => o!.Value).Distinct().ToList(), agencies.Distinct().ToList()!) : null;
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint("POST /api/cases", command! with { Context = null! });
        message = command! with { Context = request.Context(command.CaseId, fingerprint) };
        return null;
    }

    public static Task<Outcome> Handle(OpenCaseRequest m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(new StreamCommand<Case>(m.Context, "POST /api/cases", m.CaseId)
        {
            Fetch = batch => batch.Events.FetchForWriting<Case>(m.CaseId),
            Decide = async scope =>
            {
                // A case under this id already: a replay of the key (answered from its record) or a used id.
                if (scope.Stream.Aggregate is not null) return Verdict.Conflict($"Case {m.CaseId} already exists.");
                if (Verdict.IdTaken(scope.Stream, "a case") is { } taken) return taken;
                var key = CaseReference.Key(m.Reference);
                if (await scope.Session.LoadAsync<CaseReference>(key, scope.Ct) is not null)
                    return Verdict.Conflict($"A case with reference '{m.Reference}' already exists in {m.Context.Caller.Jurisdiction}.");
                var opened = new CaseOpened(m.CaseId, m.Reference, m.Title, m.Offences, m.Context.Caller.Jurisdiction,
                    m.Context.Caller.Agency, m.ParticipatingAgencies, scope.Now);
                return new Verdict.Accept([opened], Created(Case.Evolve(null, opened, 1), []))
                {
                    Beyond = (session, _) =>
                    {
                        StrictInsert.Queue(session, key, new CaseReference { Id = key, CaseId = m.CaseId });
                        return Task.FromResult<Outcome?>(null);
                    },
                };
            },
            Represent = session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: true, ct),
        }, ct);

    public static Outcome.Done Created(Case c, IReadOnlyCollection<AssetLedger.Assets.Asset> assets) =>
        new(CaseSummary.From(c, assets), c.Version, Created: true, Location: $"/api/cases/{c.Id}");
}
