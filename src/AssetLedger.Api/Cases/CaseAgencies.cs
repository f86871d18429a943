using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Cases;
using Marten;
using Wolverine;

namespace AssetLedger.Api.Cases;

public sealed record AddParticipatingAgency(CommandContext Context, Guid CaseId, string Agency);

/// <summary>
/// <c>POST /api/cases/{caseId}/agencies</c> <c>{ commandId, agency }</c>: the lead agency (an
/// investigator or prosecutor of it) gives another agency access to the case and all its assets.
/// </summary>
public static class CaseAgencyEndpoints
{
    public static void MapCaseAgencies(this RouteGroupBuilder api) =>
        api.MapPost("/cases/{caseId}/agencies", AddAsync).WithName("AddParticipatingAgency").WithTags("Cases");

    private static Task<IResult> AddAsync(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            Guid? commandId = null;
            var errors = RequestPipeline.Parse(body, f =>
            {
                commandId = f.Id("commandId");
                var agency = f.Text("agency", true, 64);
                if (agency is not null && agency.Contains('|')) f.Fail("agency", "Must not contain '|'.");
                return f.Ok ? agency : null;
            }, out var agency);

            await using (var session = store.QuerySession(caller.Jurisdiction))
            {
                var c = await session.LoadAsync<Case>(id, ct);
                if (c is null || !caller.CanSee(c.Agencies)) return Problems.NotFound($"No case {id}.");
                if (c.LeadAgency != caller.Agency) return Problems.Forbidden("Only the lead agency of the case may add participating agencies.");
            }
            if (errors is not null) return Problems.Validation(errors);

            var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{id}/agencies", new { agency });
            var context = new CommandContext(caller, role, commandId!.Value, fingerprint, RequestPipeline.CorrelationId(http), null);
            return (await bus.InvokeAsync<Outcome>(new AddParticipatingAgency(context, id, agency!), ct)).ToResult(http);
        });
}

public static class AddParticipatingAgencyHandler
{
    public static Task<Outcome> Handle(AddParticipatingAgency m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/agencies", m.CaseId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } stream)
                    return new Outcome.NotFound($"No case {m.CaseId}.");
                if (c.LeadAgency != m.Context.Caller.Agency)
                    return new Outcome.Conflict("Only the lead agency of the case may add participating agencies.");
                var decision = CaseDecider.AddAgency(c, m.Agency);
                if (decision is not Decision.Accept { Events: var events })
                    return new Outcome.Conflict(((Decision.Refuse)decision).Reason);
                stream.AppendMany(events);
                // Access travels with each asset, so asset routes check it without loading the case.
                foreach (var assetId in c.AssetIds)
                    session.Events.Append(assetId, new AssetAccessGranted(m.Agency));
                var next = events.Aggregate(c, (s, e) => Case.Evolve(s, e, s.Version + 1));
                var assets = await session.LoadManyAsync<Asset>(ct, c.AssetIds);
                return new Outcome.Done(CaseSummary.From(next, assets.ToList()), next.Version);
            },
            session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: false, ct),
            ct);
}
