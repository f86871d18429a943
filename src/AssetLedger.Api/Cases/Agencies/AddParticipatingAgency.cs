using Commands = AssetLedger.Cases;

namespace AssetLedger.Api.Cases.Agencies;

public sealed record AddParticipatingAgencyRequest(CommandContext Context, Guid CaseId, string Agency);

/// <summary>
/// <c>POST /api/cases/{caseId}/agencies</c> <c>{ commandId, agency }</c>: the lead agency (an
/// investigator or prosecutor of it) gives another agency access to the case and all its assets.
/// </summary>
public static class AddParticipatingAgencyHandler
{
    [ApiRoute("POST", "/cases/{caseId}/agencies", Roles.Investigator, Roles.Prosecutor)]
    private static async Task<IResult> AddParticipatingAgency(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
        Guid? commandId = null;
        var errors = RequestPipeline.Parse(request.CommandBody, f =>
        {
            commandId = f.Id("commandId");
            var agency = f.Text("agency", true, 64);
            if (agency is not null && agency.Contains('|')) f.Fail("agency", "Must not contain '|'.");
            return f.Ok ? agency : null;
        }, out var agency, out var expectedVersion);

        // Who may add is a 403, answered after the 404 and before the 400 (api.md's order).
        await using (var session = store.QuerySession(request.Caller.Jurisdiction))
        {
            var c = await session.LoadAsync<Case>(id, ct);
            if (c is null || !request.Caller.CanSee(c.Agencies)) return Problems.NotFound($"No case {id}.");
            if (!CaseDecider.IsLeadAgency(c, request.Caller.Agency)) return Problems.Forbidden(CaseDecider.NotLeadAgencyMessage);
        }
        if (errors is not null) return Problems.Validation(errors);

        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{id}/agencies", new { agency }, expectedVersion);
        var message = new AddParticipatingAgencyRequest(request.Context(commandId!.Value, fingerprint, expectedVersion), id, agency!);
        return (await bus.InvokeAsync<Outcome>(message, ct)).ToResult(http);
    }

    public static Task<Outcome> Handle(AddParticipatingAgencyRequest m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/agencies", m.CaseId)
        {
            Command = (_, _) => Task.FromResult<CaseCommand>(new Commands.AddParticipatingAgency(m.Agency, m.Context.Caller.Agency)),
            Answer = async (scope, next) =>
            {
                var assets = await scope.Session.LoadManyAsync<Asset>(scope.Ct, next.AssetIds);
                return new Outcome.Done(CaseSummary.From(next, assets.ToList()), next.Version);
            },
            // Access travels with each asset, so asset routes check it without loading the case.
            Beyond = (_, c, _) => (session, _) =>
            {
                foreach (var assetId in c.AssetIds) session.Events.Append(assetId, new AssetAccessGranted(m.Agency));
                return Task.FromResult<Outcome?>(null);
            },
            Represent = session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: false, ct),
        }, ct);
}
