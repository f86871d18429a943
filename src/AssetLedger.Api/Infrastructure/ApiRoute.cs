using System.Linq.Expressions;
using System.Reflection;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// One /api route of api.md and the roles that may call it, declared on the endpoint method of its
/// slice: <c>[ApiRoute("POST", "/cases/{caseId}/close", Prosecutor)]</c>. The declaration is the
/// endpoint's metadata (read by <see cref="ApiRequestFilter"/>) and the row of the role matrix
/// (<see cref="RoleMatrix"/>), so a route and its permission are written once, side by side.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public class ApiRouteAttribute(string method, string pattern, params string[] roles) : Attribute
{
    public string Method { get; } = method;

    /// <summary>The pattern below /api, as mapped on the /api group.</summary>
    public string Pattern { get; } = pattern;

    public IReadOnlyList<string> Roles { get; } = roles;

    /// <summary>The route takes a file (a register's CSV), which the endpoint reads itself with its own
    /// type and size limits, after the role: it is not a JSON command body.</summary>
    public bool TakesFile { get; init; }

    /// <summary>
    /// A report over a whole jurisdiction (the statistics) may take longer than a command or a read of one
    /// resource: its own deadline in seconds, 0 for <see cref="RequestPipeline.Deadline"/>. An outage still
    /// fails fast, on the connection's own timeouts.
    /// </summary>
    public int DeadlineSeconds { get; init; }

    /// <summary>A command (POST) reads a JSON body; its size and type are checked before the role.</summary>
    public bool ReadsBody => Method == "POST" && !TakesFile;

    /// <summary>The row's key in the role matrix: <c>POST /api/cases/{caseId}/close</c>.</summary>
    public string Key => RoleMatrix.KeyOf(Method, "/api" + Pattern);
}

/// <summary>What <see cref="ApiRequestFilter"/> established before the endpoint runs.</summary>
public sealed record ApiRequest(Caller Caller, string Role, Body? Body, string CorrelationId)
{
    public static ApiRequest Of(HttpContext http) =>
        http.Features.Get<ApiRequest>() ?? throw new InvalidOperationException("The endpoint ran without ApiRequestFilter.");

    /// <summary>A command's body (a command route always has one once the filter passed it).</summary>
    public Body CommandBody => Body ?? throw new InvalidOperationException("Not a command route.");

    public CommandContext Context(Guid commandId, string fingerprint, long? expectedVersion = null) =>
        new(Caller, Role, commandId, fingerprint, CorrelationId, expectedVersion);
}

/// <summary>
/// The refusal order of api.md, for every /api endpoint in one place: 401 (the authentication
/// middleware, and here a token without the needed claims), then 413/415 for a command's body, then
/// 403 from the route's roles; the endpoint itself then answers 404, 400, 409 in that order. The
/// endpoint runs within <see cref="RequestPipeline.Deadline"/>.
/// </summary>
public sealed class ApiRequestFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var route = http.GetEndpoint()?.Metadata.GetMetadata<ApiRouteAttribute>()
            ?? throw new InvalidOperationException($"No [ApiRoute] on {http.Request.Method} {http.Request.Path}.");
        if (Caller.From(http.User) is not { } caller)
            return Problems.Unauthorized("The token lacks the sub or jurisdiction claim.");

        Body? body = null;
        if (route.ReadsBody)
        {
            (body, var refusal) = await RequestPipeline.ReadAsync(http);
            if (refusal is not null) return refusal;
        }

        if (caller.RoleFor(route.Roles) is not { } role)
            return Problems.Forbidden($"{(route.ReadsBody ? "This command needs" : "This needs")} one of the roles: {string.Join(", ", route.Roles)}.");

        http.Features.Set(new ApiRequest(caller, role, body, RequestPipeline.CorrelationId(http)));
        return await RequestPipeline.WithinDeadline(AnswerOf(next(context)), http, typeof(RequestPipeline),
                route.DeadlineSeconds > 0 ? TimeSpan.FromSeconds(route.DeadlineSeconds) : null)
            ?? Problems.Unavailable("The database did not answer in time; retry the request (with the same id for a command).");
    }

    /// <summary>The endpoint's answer. None (no endpoint gives none) is an empty answer, as ASP.NET Core
    /// writes it, so that null stays <see cref="RequestPipeline.WithinDeadline{T}"/>'s "past the deadline".</summary>
    private static async Task<object> AnswerOf(ValueTask<object?> pending) => await pending ?? Results.Empty;
}

/// <summary>
/// Maps every slice of the service: each static method with <see cref="ApiRouteAttribute"/> is one
/// endpoint (a slice's file holds its endpoint, parser and handler together), and each asset command
/// slice (<see cref="Assets.AssetCommandAttribute"/>) is one route of the asset command endpoint.
/// </summary>
public static class Slices
{
    private static readonly Lazy<IReadOnlyList<(ApiRouteAttribute Route, MethodInfo Method)>> endpoints = new(() =>
        typeof(Slices).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Route: m.GetCustomAttribute<ApiRouteAttribute>(), Method: m))
            .Where(x => x.Route is not null)
            .Select(x => (x.Route!, x.Method))
            .OrderBy(x => x.Item1.Key, StringComparer.Ordinal)
            .ToList());

    /// <summary>Every route the service maps below /api, with its roles: the rows of the role matrix.</summary>
    public static IEnumerable<ApiRouteAttribute> Routes =>
        endpoints.Value.Select(e => e.Route).Concat(Assets.AssetCommandSlices.All.Select(s => (ApiRouteAttribute)s.Route))
            .Concat(Certificates.CertificateCommandSlices.All.Select(s => (ApiRouteAttribute)s.Route));

    public static void MapSlices(this RouteGroupBuilder api)
    {
        foreach (var (route, method) in endpoints.Value)
        {
            var types = method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).ToArray();
            var handler = method.CreateDelegate(Expression.GetDelegateType(types));
            api.MapMethods(route.Pattern, [route.Method], handler)
                .WithName(method.Name)
                .WithTags(method.DeclaringType!.Namespace!.Split('.')[2]);
        }
        Assets.AssetCommandSlices.Map(api);
        Certificates.CertificateCommandSlices.Map(api);
    }
}
