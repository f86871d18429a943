namespace AssetLedger.Api.Cases.Reading;

/// <summary>The case queries: <c>GET /api/cases</c> (a page of the cases the caller may see), one case's summary, its history.</summary>
public static class ReadCases
{
    [ApiRoute("GET", "/cases", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> ListCases(HttpContext http, string? status, string? q, string? page, string? pageSize, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        var errors = new Dictionary<string, string[]>();
        CaseStatus? statusFilter = null;
        if (status is not null)
        {
            if (TextRules.TryEnum<CaseStatus>(status, out var s)) statusFilter = s;
            else errors["status"] = ["Must be open or closed."];
        }
        var pageNo = ParseInt(page, 1, 1, 1_000_000, "page", errors);
        var size = ParseInt(pageSize, 50, 1, 200, "pageSize", errors);
        if (q is { Length: > 200 } || (q is not null && TextRules.HasForbiddenControl(q))) errors["q"] = ["Must be at most 200 characters without control characters."];
        if (errors.Count > 0) return Problems.Validation(errors);
        await using var session = store.QuerySession(caller.Jurisdiction);
        return Results.Json(await CaseQueries.ListAsync(session, caller, statusFilter, q, pageNo, size, ct), ApiJson.Options);
    }

    /// <summary>A query parameter that is an integer in [min, max] (a page number, a page size), else an error naming it.</summary>
    internal static int ParseInt(string? text, int fallback, int min, int max, string name, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        errors[name] = [$"Must be an integer from {min} to {max}."];
        return fallback;
    }

    [ApiRoute("GET", "/cases/{caseId}", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetCase(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        return (await CaseQueries.SummaryAsync(session, caller, id, created: false, ct)).ToResult(http);
    }

    [ApiRoute("GET", "/cases/{caseId}/history", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetCaseHistory(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        return await CaseQueries.CaseHistoryAsync(session, caller, id, ct) is { } history
            ? Results.Json(history, ApiJson.Options)
            : Problems.NotFound($"No case {id}.");
    }
}
