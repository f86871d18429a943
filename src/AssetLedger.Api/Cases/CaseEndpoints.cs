using AssetLedger.Api.Infrastructure;
using AssetLedger.Cases;
using Marten;
using Wolverine;

namespace AssetLedger.Api.Cases;

public static class CaseEndpoints
{
    public static void MapCaseEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/cases", OpenAsync).WithName("OpenCase").WithTags("Cases");
        api.MapGet("/cases", ListAsync).WithName("ListCases").WithTags("Cases");
        api.MapGet("/cases/{caseId}", GetAsync).WithName("GetCase").WithTags("Cases");
        api.MapGet("/cases/{caseId}/history", HistoryAsync).WithName("GetCaseHistory").WithTags("Cases");
        api.MapPost("/cases/{caseId}/close", CloseAsync).WithName("CloseCase").WithTags("Cases");
    }

    private static Task<IResult> OpenAsync(HttpContext http, IMessageBus bus, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            var errors = PrepareOpen(body, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null) return Problems.Validation(errors);
            if (RefuseOpen(caller) is { } refusal) return Problems.Forbidden(refusal);
            return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
        });

    /// <summary>Opening needs an agency claim: it becomes the lead agency (403 otherwise).</summary>
    public static string? RefuseOpen(Caller caller) =>
        string.IsNullOrWhiteSpace(caller.Agency) || caller.Agency.Contains('|')
            ? "Opening a case needs an agency claim in the token (the lead agency)."
            : null;

    /// <summary>Parses a new case into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareOpen(Body body, Caller caller, string role, string correlationId, out OpenCase? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            var caseId = f.Id("caseId");
            var reference = f.Text("reference", true, 64);
            var title = f.Text("title", true, 200);
            var offences = f.Array<Offence?>("offences", true, 20, (e, name, parent) =>
            {
                if (e.ValueKind == System.Text.Json.JsonValueKind.String && TextRules.TryEnum<Offence>(e.GetString()!, out var o)) return o;
                parent.Fail(name, $"Must be one of: {string.Join(", ", TextRules.EnumNames<Offence>())}.");
                return null;
            });
            var agencies = f.Array<string>("participatingAgencies", false, 50, (e, name, parent) =>
            {
                if (e.ValueKind == System.Text.Json.JsonValueKind.String && e.GetString() is { Length: > 0 and <= 64 } s
                    && !TextRules.HasForbiddenControl(s) && !s.Contains('|')) return s;
                parent.Fail(name, "Must be an agency code of 1–64 characters (no '|').");
                return null;
            });
            return f.Ok ? new OpenCase(null!, caseId!.Value, reference!, title!, offences.Select(o => o!.Value).Distinct().ToList(), agencies.Distinct().ToList()!) : null;
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint("POST /api/cases", command! with { Context = null! });
        message = command! with { Context = new CommandContext(caller, role, command.CaseId, fingerprint, correlationId, null) };
        return null;
    }

    private static Task<IResult> CloseAsync(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            var errors = PrepareClose(body, id, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
                return await CaseQueries.VisibleAsync(store, caller, id, ct) ? Problems.Validation(errors) : Problems.NotFound($"No case {id}.");
            return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
        });

    /// <summary>Parses a close command into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareClose(Body body, Guid caseId, Caller caller, string role, string correlationId, out CloseCase? message)
    {
        message = null;
        Guid? commandId = null;
        long? expectedVersion = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            expectedVersion = f.Long("expectedVersion");
            var reason = f.Text("reason", true, Fields.LongText);
            return f.Ok ? reason : null;
        }, out var reason);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/close", new { reason, expectedVersion });
        message = new CloseCase(new CommandContext(caller, role, commandId!.Value, fingerprint, correlationId, expectedVersion), caseId, reason!);
        return null;
    }

    private static Task<IResult> ListAsync(HttpContext http, string? status, string? q, string? page, string? pageSize, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
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
        });

    private static int ParseInt(string? text, int fallback, int min, int max, string name, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        errors[name] = [$"Must be an integer from {min} to {max}."];
        return fallback;
    }

    private static Task<IResult> GetAsync(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            return (await CaseQueries.SummaryAsync(session, caller, id, created: false, ct)).ToResult(http);
        });

    private static Task<IResult> HistoryAsync(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            return await CaseQueries.CaseHistoryAsync(session, caller, id, ct) is { } history
                ? Results.Json(history, ApiJson.Options)
                : Problems.NotFound($"No case {id}.");
        });
}
