using System.Collections.Concurrent;
using AssetLedger.Import;

namespace AssetLedger.Api.Import;

/// <summary>One import started through the API: running (with its progress), completed (with its report), or failed (with the reason).</summary>
public sealed record ImportJob(string Jurisdiction, string FileSha256, string Status, ImportProgress? Progress, ImportReport? Report, string? Failure)
{
    /// <summary>An import is named by its file, within its jurisdiction.</summary>
    public string ImportId => FileSha256;
}

/// <summary>
/// The imports this instance runs in the background, by jurisdiction and file. An upload of a file
/// already being imported joins that import; one already imported starts a run that finds every case
/// there and appends nothing. Kept in memory: after a restart, uploading the file again reports what it
/// holds (docs/import.md).
/// </summary>
public sealed class ImportJobs(LegacyImporter importer, IHostApplicationLifetime lifetime, ILogger<ImportJobs> log)
{
    private readonly ConcurrentDictionary<(string, string), ImportJob> jobs = new();

    public ImportJob? Find(string jurisdiction, string importId) => jobs.GetValueOrDefault((jurisdiction, importId));

    public ImportJob Start(string jurisdiction, byte[] file, ImportActor actor)
    {
        var sha = LegacyImporter.Sha256Of(file);
        var key = (jurisdiction, sha);
        var job = new ImportJob(jurisdiction, sha, "running", new ImportProgress(0, 0, 0, 0), null, null);
        while (true)
        {
            if (jobs.TryGetValue(key, out var existing))
            {
                if (existing.Status == "running") return existing;
                if (!jobs.TryUpdate(key, job, existing)) continue;
            }
            else if (!jobs.TryAdd(key, job)) continue;
            break;
        }
        _ = Task.Run(() => RunAsync(key, file, actor));
        return job;
    }

    private async Task RunAsync((string Jurisdiction, string Sha) key, byte[] file, ImportActor actor)
    {
        var progress = new SynchronousProgress(p => jobs.AddOrUpdate(key, _ => throw new InvalidOperationException("An import's job vanished."), (_, j) => j with { Progress = p }));
        try
        {
            var report = await importer.ImportAsync(key.Jurisdiction, file, actor, progress, lifetime.ApplicationStopping);
            jobs[key] = jobs[key] with { Status = "completed", Report = report };
            log.LogInformation("Import {ImportId} of {Jurisdiction} by {User}: {Rows} rows, {Imported} imported, {Already} already imported, {Rejected} rejected, {Events} events in {Seconds:F1} s",
                key.Sha, key.Jurisdiction, actor.Id, report.Rows, report.Imported, report.AlreadyImported, report.Rejected.Count, report.EventsWritten, report.Seconds);
        }
        catch (RegisterFileException ex)
        {
            jobs[key] = jobs[key] with { Status = "failed", Failure = ex.Message };
            log.LogWarning("Import {ImportId} of {Jurisdiction} refused: {Reason}", key.Sha, key.Jurisdiction, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
        {
            jobs[key] = jobs[key] with { Status = "failed", Failure = "Interrupted (" + ex.GetBaseException().Message + "); upload the file again to complete it." };
            log.LogWarning("Import {ImportId} of {Jurisdiction} interrupted: {Reason}", key.Sha, key.Jurisdiction, ex.GetBaseException().Message);
        }
        catch (Exception ex)
        {
            jobs[key] = jobs[key] with { Status = "failed", Failure = "The import failed; the batches written before stay, and uploading the file again completes it." };
            log.LogError(ex, "Import {ImportId} of {Jurisdiction} failed", key.Sha, key.Jurisdiction);
        }
    }
}

/// <summary>
/// <c>POST /api/admin/imports</c> (admin): uploads a legacy register (<c>text/csv</c>, at most
/// <see cref="MaxBytes"/>) and imports it into the caller's jurisdiction in the background, as the
/// command line's <c>import</c> does. 202 with the import's address; <c>GET</c> it for progress and report.
/// </summary>
public static class UploadRegister
{
    public const long MaxBytes = 256L * 1024 * 1024;

    [ApiRoute("POST", "/admin/imports", Roles.Admin, TakesFile = true)]
    private static async Task<IResult> UploadImport(HttpContext http, ImportJobs jobs, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        var type = http.Request.ContentType ?? "";
        if (!type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            return Problems.UnsupportedMediaType("A register is uploaded as text/csv (docs/import.md).");
        if (http.Request.ContentLength > MaxBytes) return Problems.TooLarge($"A register is at most {MaxBytes / (1024 * 1024)} MiB; split it.");
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes;

        using var buffer = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(buffer, ct);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge($"A register is at most {MaxBytes / (1024 * 1024)} MiB; split it.");
        }
        var file = buffer.ToArray();
        try
        {
            LegacyCsv.CheckHeader(file);
        }
        catch (RegisterFileException ex)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["file"] = [ex.Message] });
        }
        var caller = request.Caller;
        var job = jobs.Start(caller.Jurisdiction, file, new ImportActor(caller.Id, caller.Name, request.Role, caller.Agency));
        return new WithHeaders(Results.Json(ReadImport.Body(job), ApiJson.Options, statusCode: StatusCodes.Status202Accepted),
            h => h.Location = $"/api/admin/imports/{job.ImportId}");
    }
}
