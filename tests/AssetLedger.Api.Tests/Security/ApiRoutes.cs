using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AssetLedger.Api.Tests.Security;

using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

/// <summary>The resources a route is called on: a case, one of its assets, an order id, and a certificate (when issued).</summary>
public sealed record Ids(Guid Case, Guid Asset, Guid Order, Guid Certificate = default);

/// <summary>
/// One implemented /api route as api.md describes it: method, path template, the roles that may
/// call it, and a valid body (fresh idempotency keys on every call).
/// </summary>
public sealed record ApiRoute(string Name, HttpMethod Method, string Path, string[] Roles, Func<Ids, object>? Body = null)
{
    public bool IsCommand => Method == HttpMethod.Post;
    public string Url(Ids ids) => Path.Replace("{caseId}", ids.Case.ToString()).Replace("{assetId}", ids.Asset.ToString());
    public override string ToString() => Name;
}

public static class ApiRoutes
{
    public const string Investigator = "investigator", Prosecutor = "prosecutor", Treasury = "treasury", Auditor = "auditor", Admin = "admin";
    public static readonly string[] AllRoles = [Investigator, Prosecutor, Treasury, Auditor, Admin];

    /// <summary>Every /api route implemented so far, with the permissions of api.md.</summary>
    public static readonly IReadOnlyList<ApiRoute> Every =
    [
        new("POST /api/cases", HttpMethod.Post, "/api/cases", [Investigator, Prosecutor], _ => new
        {
            caseId = Guid.NewGuid(), reference = "NL-2026-" + Guid.NewGuid().ToString("N")[..8], title = "Operation Beacon",
            offences = new[] { "money_laundering" }, participatingAgencies = Array.Empty<string>(),
        }),
        new("GET /api/cases", HttpMethod.Get, "/api/cases", AllRoles),
        new("GET /api/cases?q=", HttpMethod.Get, "/api/cases?status=open&q=lantern&page=1&pageSize=50", AllRoles),
        new("GET /api/cases/{caseId}", HttpMethod.Get, "/api/cases/{caseId}", AllRoles),
        new("GET /api/cases/{caseId}/history", HttpMethod.Get, "/api/cases/{caseId}/history", AllRoles),
        new("POST /api/cases/{caseId}/close", HttpMethod.Post, "/api/cases/{caseId}/close", [Prosecutor],
            _ => new { commandId = Guid.NewGuid(), reason = "Investigation concluded" }),
        new("POST /api/cases/{caseId}/assets", HttpMethod.Post, "/api/cases/{caseId}/assets", [Investigator],
            _ => new { assetId = Guid.NewGuid(), kind = "vehicle", description = "Audi A6", identifiers = new { registration = "G-123-AB" }, location = "NL", holder = "J. Doe" }),
        new("GET /api/assets/{assetId}", HttpMethod.Get, "/api/assets/{assetId}", AllRoles),
        new("GET /api/assets/{assetId}?asOf=", HttpMethod.Get, "/api/assets/{assetId}?asOf=2026-03-01T09:00:00Z", AllRoles),
        new("GET /api/assets/{assetId}/history", HttpMethod.Get, "/api/assets/{assetId}/history", AllRoles),
        new("POST /api/assets/{assetId}/freeze", HttpMethod.Post, "/api/assets/{assetId}/freeze", [Investigator],
            _ => new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Money("1000.00") }),
        new("POST /api/assets/{assetId}/seize", HttpMethod.Post, "/api/assets/{assetId}/seize", [Investigator],
            _ => new { commandId = Guid.NewGuid(), custodian = "ORD", location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" }),
        new("POST /api/assets/{assetId}/custody-transfers", HttpMethod.Post, "/api/assets/{assetId}/custody-transfers", [Investigator],
            _ => new { commandId = Guid.NewGuid(), toCustodian = "Domeinen", toLocation = "Depot Zwolle", transferredAt = "2026-03-03T10:00:00Z" }),
        new("POST /api/assets/{assetId}/valuations", HttpMethod.Post, "/api/assets/{assetId}/valuations", [Investigator, Treasury],
            _ => new { commandId = Guid.NewGuid(), value = Money("25000.00"), method = "market", valuer = "Appraiser B.V.", valuedOn = "2026-03-01" }),
        new("POST /api/assets/{assetId}/orders", HttpMethod.Post, "/api/assets/{assetId}/orders", [Prosecutor],
            ids => new { commandId = Guid.NewGuid(), orderId = ids.Order, type = "restraint", court = "Rechtbank Amsterdam", reference = "RK-1", issuedOn = "2026-03-01" }),
        new("POST /api/assets/{assetId}/appeals", HttpMethod.Post, "/api/assets/{assetId}/appeals", [Prosecutor],
            ids => new { commandId = Guid.NewGuid(), orderId = ids.Order, lodgedOn = "2026-05-02" }),
        new("POST /api/assets/{assetId}/appeal-decisions", HttpMethod.Post, "/api/assets/{assetId}/appeal-decisions", [Prosecutor],
            ids => new { commandId = Guid.NewGuid(), orderId = ids.Order, outcome = "dismissed", decidedOn = "2026-05-20" }),
        new("POST /api/assets/{assetId}/finality", HttpMethod.Post, "/api/assets/{assetId}/finality", [Prosecutor],
            ids => new { commandId = Guid.NewGuid(), orderId = ids.Order, finalOn = "2026-06-01" }),
        new("POST /api/assets/{assetId}/realisation", HttpMethod.Post, "/api/assets/{assetId}/realisation", [Treasury],
            _ => new { commandId = Guid.NewGuid(), gross = Money("20000.00"), costs = Money("500.00"), method = "auction", realisedOn = "2026-06-02" }),
        new("POST /api/assets/{assetId}/release", HttpMethod.Post, "/api/assets/{assetId}/release", [Prosecutor],
            _ => new { commandId = Guid.NewGuid(), reason = "court_order", releasedOn = "2026-03-05" }),
        new("POST /api/assets/{assetId}/disposal", HttpMethod.Post, "/api/assets/{assetId}/disposal", [Treasury],
            _ => new { commandId = Guid.NewGuid(), method = "destroyed", disposedOn = "2026-06-03" }),
        new("GET /api/statistics", HttpMethod.Get, "/api/statistics?from=2026-01-01&to=2026-12-31", [Prosecutor, Treasury, Auditor]),
        new("GET /api/statistics/figures/{figure}", HttpMethod.Get, "/api/statistics/figures/assets_frozen?from=2026-01-01&to=2026-12-31", [Prosecutor, Treasury, Auditor]),
    ];

    public static ApiRoute Named(string name) => Every.Single(r => r.Name == name);

    public static IEnumerable<ApiRoute> Commands => Every.Where(r => r.IsCommand);
    public static IEnumerable<ApiRoute> Queries => Every.Where(r => !r.IsCommand);

    /// <summary>Routes that address the given case or asset (everything but opening and listing cases).</summary>
    public static IEnumerable<ApiRoute> OnOneCase => Every.Where(r => r.Path.Contains('{'));

    /// <summary>A case opened by an NL investigator of FIOD, with one identified asset.</summary>
    public static async Task<Ids> GivenACaseWithAnAsset(this Infrastructure.Api api, string reference = "NL-2026-0042", string? token = null, string[]? agencies = null)
    {
        var caseId = await api.OpenCase(reference, token, agencies);
        var asset = await api.AddAsset(caseId);
        return new Ids(caseId, asset, Guid.NewGuid());
    }

    /// <summary>Calls the route with a bearer token (or none) and its valid body.</summary>
    public static Task<Reply> Call(this Infrastructure.Api api, ApiRoute route, Ids ids, string? token) =>
        api.CallWithAuthorization(route, ids, token is null ? null : "Bearer " + token);

    /// <summary>Calls the route with a raw Authorization header value (or none) and its valid body.</summary>
    public static Task<Reply> CallWithAuthorization(this Infrastructure.Api api, ApiRoute route, Ids ids, string? authorization)
    {
        HttpContent? content = route.Body is null ? null
            : new StringContent(JsonSerializer.Serialize(route.Body(ids)), Encoding.UTF8, "application/json");
        return api.Raw(route.Method, route.Url(ids), authorization, content);
    }

    /// <summary>Sends anything with an arbitrary Authorization header value (a body that is not valid JSON is kept as raw text).</summary>
    public static async Task<Reply> Raw(this Infrastructure.Api api, HttpMethod method, string url, string? authorization, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await api.Send(request, lenient: true);
    }
}

/// <summary>Checks of RFC 9457 problem details, returning a description of what is wrong or null.</summary>
public static class Problem
{
    public static string? Check(Reply r, HttpStatusCode expected)
    {
        if (r.Status != expected) return $"expected {(int)expected}, got {Short(r)}";
        if (r.ContentHeaders?.ContentType?.MediaType != "application/problem+json")
            return $"expected application/problem+json, got '{r.ContentHeaders?.ContentType}' ({Short(r)})";
        if (r.Json.ValueKind != JsonValueKind.Object) return $"the body is not a JSON object: {Short(r)}";
        if (!r.Json.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || s.GetInt32() != (int)expected)
            return $"the problem's status is not {(int)expected}: {Short(r)}";
        foreach (var member in new[] { "type", "title" })
            if (!r.Json.TryGetProperty(member, out var m) || m.ValueKind != JsonValueKind.String || m.GetString()!.Length == 0)
                return $"the problem has no '{member}': {Short(r)}";
        return null;
    }

    /// <summary>The names in <c>errors</c>, or null when there is no errors object.</summary>
    public static IReadOnlyList<string>? ErrorFields(Reply r) =>
        r.Json.ValueKind == JsonValueKind.Object && r.Json.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().Select(p => p.Name).ToList()
            : null;

    /// <summary>True when an error names the field itself or one of its parts (<c>value.amount</c>, <c>offences[0]</c>).</summary>
    public static bool Names(IEnumerable<string> fields, string field) =>
        fields.Any(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase)
                        || k.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase)
                        || k.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase)
                        || k.StartsWith("$." + field, StringComparison.OrdinalIgnoreCase));

    public static string Short(Reply r) => $"{(int)r.Status} {(r.Raw.Length > 300 ? r.Raw[..300] + "…" : r.Raw)}";
}
