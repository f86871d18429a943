using AssetLedger.Api.Cases;

namespace AssetLedger.Api.Audit;

public static class AuditEndpoints
{
    [ApiRoute("GET", "/audit/verify", Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> VerifyAudit(HttpContext http, string? caseId, IDocumentStore store, AuditVerifier verifier, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        IReadOnlyCollection<Guid>? streams = null;
        if (caseId is not null)
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            streams = await CaseQueries.StreamIdsAsync(session, caller, id, ct);
            if (streams is null) return Problems.NotFound($"No case {id}.");
        }
        return Results.Json(await verifier.VerifyAsync(caller.Jurisdiction, streams, ct), ApiJson.Options);
    }
}
