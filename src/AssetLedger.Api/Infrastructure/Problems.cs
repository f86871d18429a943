using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Infrastructure;

/// <summary>RFC 9457 problem details for every refusal, with a stable <c>type</c> per kind.</summary>
public static class Problems
{
    private const string TypeBase = "https://assetledger.dev/problems/";

    public static IResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Make(400, "validation", "The request is not valid.", detail ?? "One or more fields are invalid; see errors.", errors);

    public static IResult Unauthorized(string detail) => Make(401, "unauthorized", "Authentication is required.", detail);
    public static IResult Forbidden(string detail) => Make(403, "forbidden", "Your role may not do this.", detail);
    public static IResult NotFound(string detail) => Make(404, "not-found", "No such resource.", detail);
    public static IResult Conflict(string detail) => Make(409, "conflict", "The request conflicts with the current state.", detail);
    public static IResult TooLarge(string detail) => Make(413, "too-large", "The request body is too large.", detail);
    public static IResult UnsupportedMediaType(string detail) => Make(415, "unsupported-media-type", "The request body must be JSON.", detail);
    public static IResult Unavailable(string detail) =>
        new WithHeaders(Make(503, "unavailable", "The database is unavailable.", detail), h => h.RetryAfter = "5");

    public static ProblemDetails Details(int status, string kind, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var p = new ProblemDetails { Type = TypeBase + kind, Title = title, Status = status, Detail = detail };
        if (errors is not null) p.Extensions["errors"] = errors;
        return p;
    }

    private static IResult Make(int status, string kind, string title, string detail, IDictionary<string, string[]>? errors = null) =>
        Results.Json(Details(status, kind, title, detail, errors), ApiJson.Options, "application/problem+json", status);

    public static Task WriteAsync(HttpContext http, int status, string kind, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(Details(status, kind, title, detail), ApiJson.Options, "application/problem+json");
    }
}
