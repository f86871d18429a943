using AssetLedger.Api.Cases;

namespace AssetLedger.Api.Assets.Reading;

/// <summary>
/// <c>GET /api/assets/{assetId}</c>: the asset's status now (from the status cache when it may answer)
/// or as it stood at <c>asOf</c>; and its history, event by event.
/// </summary>
public static class ReadAsset
{
    [ApiRoute("GET", "/assets/{assetId}", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetAsset(HttpContext http, string assetId, string? asOf, IDocumentStore store, Npgsql.NpgsqlDataSource db,
        AssetStatusCache cache, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(assetId, out var id)) return Problems.NotFound($"No asset {assetId}.");
        var today = calendar.Today(caller.Jurisdiction);
        if (asOf is null)
            return await AssetQueries.StatusAsync(cache, db, store.Options.Serializer(), caller, id, today, ct);
        await using var session = store.QuerySession(caller.Jurisdiction);
        if (!TextRules.TryInstant(asOf, out var instant))
        {
            if (!(await AssetQueries.CurrentAsync(session, caller, id, today, ct) is Outcome.Done)) return Problems.NotFound($"No asset {id}.");
            return Problems.Validation(new Dictionary<string, string[]> { ["asOf"] = ["Must be a UTC ISO 8601 instant such as \"2026-03-14T16:00:00Z\"."] });
        }
        return (await AssetQueries.AsOfAsync(session, caller, id, instant, today, ct)).ToResult(http);
    }

    [ApiRoute("GET", "/assets/{assetId}/history", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetAssetHistory(HttpContext http, string assetId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(assetId, out var id)) return Problems.NotFound($"No asset {assetId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        return await CaseQueries.AssetHistoryAsync(session, caller, id, ct) is { } history
            ? Results.Json(history, ApiJson.Options)
            : Problems.NotFound($"No asset {id}.");
    }
}
