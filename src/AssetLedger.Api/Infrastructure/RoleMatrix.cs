namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Who may call what (api.md, and docs/security.md), read off the slices: every row is an
/// <see cref="ApiRouteAttribute"/> on an endpoint. The web pages ask the same rows. An /api endpoint
/// mapped without one fails at start-up (<see cref="AssertComplete"/>), and a test walks every row
/// with every role.
/// </summary>
public static class RoleMatrix
{
    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> rules = new(() =>
        Slices.Routes.ToDictionary(r => r.Key, r => r.Roles.ToArray(), StringComparer.Ordinal));

    public static IReadOnlyDictionary<string, string[]> Rules => rules.Value;

    public static string KeyOf(string method, string pattern) => $"{method} {pattern}";

    /// <summary>
    /// Fails start-up when an /api endpoint carries no <see cref="ApiRouteAttribute"/> (so
    /// <see cref="ApiRequestFilter"/> would have no roles for it), or a declared route is not mapped.
    /// </summary>
    public static void AssertComplete(IEnumerable<EndpointDataSource> sources)
    {
        var endpoints = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (Key: KeyOf(m, e.RoutePattern.RawText!), Declared: e.Metadata.GetMetadata<ApiRouteAttribute>()?.Key)))
            .ToList();
        var missing = endpoints.Where(e => e.Declared != e.Key).Select(e => e.Key).ToList();
        var stale = Rules.Keys.Except(endpoints.Select(e => e.Key)).ToList();
        if (missing.Count > 0 || stale.Count > 0)
            throw new InvalidOperationException(
                $"The role matrix does not match the routes. Without a rule: {string.Join(", ", missing)}. Rules without a route: {string.Join(", ", stale)}.");
    }
}
