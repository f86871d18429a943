using Npgsql;

namespace AssetLedger.Api.Ops;

public static class Operations
{
    public static void MapOperations(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" })).AllowAnonymous().WithTags("Operations");
        app.MapGet("/health/ready", ReadyAsync).AllowAnonymous().WithTags("Operations");
    }

    /// <summary>Ready only when the database answers, within 2 seconds.</summary>
    private static async Task<IResult> ReadyAsync(IConfiguration config, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            // A frozen server ignores cancellation, so the probe races a timer instead of trusting it.
            var probe = ProbeAsync(MartenSetup.WithDefaults(config.GetConnectionString("AssetLedger")!), timeout.Token);
            if (await Task.WhenAny(probe, Task.Delay(TimeSpan.FromSeconds(2), ct)) != probe)
            {
                _ = probe.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed: a probe failure after the answer is moot
                return Results.Json(new { status = "unavailable", reason = "timeout" }, statusCode: 503);
            }
            await probe;
            return Results.Json(new { status = "ready" });
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return Results.Json(new { status = "unavailable", reason = ex.GetType().Name }, statusCode: 503);
        }
    }

    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select 1", conn);
        await cmd.ExecuteScalarAsync(ct);
    }
}
