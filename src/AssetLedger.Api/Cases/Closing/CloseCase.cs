using Commands = AssetLedger.Cases;

namespace AssetLedger.Api.Cases.Closing;

public sealed record CloseCaseRequest(CommandContext Context, Guid CaseId, string Reason);

/// <summary>
/// <c>POST /api/cases/{caseId}/close</c>: the prosecutor closes a case whose assets are all in a final
/// status and whose distributions are fully settled (<see cref="Commands.CaseDecider"/>).
/// </summary>
public static class CloseCaseHandler
{
    [ApiRoute("POST", "/cases/{caseId}/close", Roles.Prosecutor)]
    private static Task<IResult> CloseCase(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        CaseCommandRunner.SendAsync<CloseCaseRequest>(http, caseId, Prepare, bus, store, ct);

    /// <summary>Parses a close command into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Guid caseId, ApiRequest request, out CloseCaseRequest? message)
    {
        message = null;
        Guid? commandId = null;
        long? expectedVersion = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            expectedVersion = f.Long("expectedVersion");
            var reason = f.Text("reason", true, Fields.LongText);
            return f.Ok ? reason : null;
        }, out var reason);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/close", new { reason, expectedVersion });
        message = new CloseCaseRequest(request.Context(commandId!.Value, fingerprint, expectedVersion), caseId, reason!);
        return null;
    }

    public static Task<Outcome> Handle(CloseCaseRequest m, CommandExecutor executor, CancellationToken ct)
    {
        IReadOnlyList<Asset> assets = [];
        return executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/close", m.CaseId)
        {
            Command = async (scope, c) =>
            {
                assets = await scope.Session.LoadManyAsync<Asset>(scope.Ct, c.AssetIds);
                return new Commands.CloseCase(m.Reason, scope.Now, assets.Select(a => a.Status).ToList());
            },
            Answer = (_, next) => Task.FromResult(new Outcome.Done(CaseSummary.From(next, assets.ToList()), next.Version)),
            Represent = session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: false, ct),
        }, ct);
    }
}
