using static AssetLedger.Api.Infrastructure.Roles;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Who may call what: the one table of permissions (api.md, and docs/security.md). Every /api
/// endpoint is looked up here by method and route pattern; an endpoint without a row fails at
/// start-up (<see cref="AssertComplete"/>) and a test walks the whole table with every role.
/// </summary>
public static class RoleMatrix
{
    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["POST /api/cases"] = [Investigator, Prosecutor],
        ["GET /api/cases"] = All,
        ["GET /api/cases/{caseId}"] = All,
        ["GET /api/cases/{caseId}/history"] = All,
        ["POST /api/cases/{caseId}/close"] = [Prosecutor],
        ["POST /api/cases/{caseId}/agencies"] = [Investigator, Prosecutor],
        ["POST /api/cases/{caseId}/assets"] = [Investigator],
        ["GET /api/assets/{assetId}"] = All,
        ["GET /api/assets/{assetId}/history"] = All,
        ["POST /api/assets/{assetId}/freeze"] = [Investigator],
        ["POST /api/assets/{assetId}/seize"] = [Investigator],
        ["POST /api/assets/{assetId}/custody-transfers"] = [Investigator],
        ["POST /api/assets/{assetId}/valuations"] = [Investigator, Treasury],
        ["POST /api/assets/{assetId}/orders"] = [Prosecutor],
        ["POST /api/assets/{assetId}/appeals"] = [Prosecutor],
        ["POST /api/assets/{assetId}/appeal-decisions"] = [Prosecutor],
        ["POST /api/assets/{assetId}/finality"] = [Prosecutor],
        ["POST /api/assets/{assetId}/realisation"] = [Treasury],
        ["POST /api/assets/{assetId}/release"] = [Prosecutor],
        ["POST /api/assets/{assetId}/disposal"] = [Treasury],
        ["POST /api/cases/{caseId}/victim-claims"] = [Prosecutor],
        ["GET /api/cases/{caseId}/victim-claims"] = All,
        ["POST /api/cases/{caseId}/distributions"] = [Treasury],
        ["GET /api/cases/{caseId}/distributions/{distributionId}"] = All,
        ["POST /api/cases/{caseId}/distributions/{distributionId}/settlements"] = [Treasury],
        ["GET /api/treasury/reconciliation"] = [Treasury, Auditor],
        ["GET /api/deadlines"] = [Investigator, Prosecutor, Auditor],
        ["GET /api/audit/verify"] = [Auditor, Admin],
    };

    public static string KeyOf(string method, string pattern) => $"{method} {pattern}";

    public static IReadOnlyCollection<string> For(HttpContext http)
    {
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        var key = KeyOf(http.Request.Method, pattern);
        return Rules.TryGetValue(key, out var roles) ? roles : throw new InvalidOperationException($"No role rule for {key}.");
    }

    /// <summary>Fails start-up when an /api endpoint has no row, or a row names no endpoint.</summary>
    public static void AssertComplete(IEnumerable<EndpointDataSource> sources)
    {
        var keys = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => KeyOf(m, e.RoutePattern.RawText!)))
            .ToHashSet(StringComparer.Ordinal);
        var missing = keys.Except(Rules.Keys).ToList();
        var stale = Rules.Keys.Except(keys).ToList();
        if (missing.Count > 0 || stale.Count > 0)
            throw new InvalidOperationException(
                $"The role matrix does not match the routes. Without a rule: {string.Join(", ", missing)}. Rules without a route: {string.Join(", ", stale)}.");
    }
}
