using System.Text;

namespace AssetLedger.Api.Import;

/// <summary>
/// <c>GET /api/admin/imports/{importId}</c> (admin, auditor): an import started through the API in the
/// caller's jurisdiction: its status and progress, then its report; <c>format=csv</c> gives the rejected
/// rows (row, field, reason) as CSV.
/// </summary>
public static class ReadImport
{
    [ApiRoute("GET", "/admin/imports/{importId}", Roles.Admin, Roles.Auditor)]
    private static IResult GetImport(HttpContext http, string importId, string? format, ImportJobs jobs)
    {
        if (format is not null and not ("csv" or "json"))
            return Problems.Validation(new Dictionary<string, string[]> { ["format"] = ["Must be csv or json."] });
        var caller = ApiRequest.Of(http).Caller;
        if (jobs.Find(caller.Jurisdiction, importId) is not { } job) return Problems.NotFound($"No import {importId}.");
        if (format == "csv")
            return job.Report is { } report
                ? Results.Text(report.RejectedCsv(), "text/csv; charset=utf-8", Encoding.UTF8)
                : Problems.Conflict($"Import {importId} is {job.Status}: it has no report yet.");
        return Results.Json(Body(job), ApiJson.Options);
    }

    public static object Body(ImportJob job) => new
    {
        importId = job.ImportId, jurisdiction = job.Jurisdiction, fileSha256 = job.FileSha256, status = job.Status,
        progress = job.Progress is { } p ? new { rowsDone = p.RowsDone, rows = p.Rows, rejected = p.Rejected } : null,
        report = job.Report is { } r
            ? new { rows = r.Rows, imported = r.Imported, alreadyImported = r.AlreadyImported, casesCreated = r.CasesCreated, eventsWritten = r.EventsWritten, rejected = r.Rejected }
            : null,
        failure = job.Failure,
    };
}
