using System.Text.Json;
using AssetLedger.Api.Audit;

namespace AssetLedger.Api.Ops;

/// <summary>
/// <c>dotnet AssetLedger.Api.dll verify [--jurisdiction NL]</c>: recomputes the audit chain of every
/// stream (of one jurisdiction, or of all), prints the report as JSON, exits 1 when anything is broken.
/// Reads <c>ConnectionStrings:AssetLedger</c> like the service.
/// </summary>
public static class VerifyCommand
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "verify") return false;
        if (!CommandLine.TryConfigure(args, out var config, out var connectionString))
        {
            exitCode = 2;
            return true;
        }
        exitCode = RunAsync(connectionString, config["jurisdiction"]).GetAwaiter().GetResult();
        return true;
    }

    private static async Task<int> RunAsync(string connectionString, string? jurisdiction)
    {
        await using var dataSource = MartenSetup.BuildDataSource(CommandLine.ForLongCommands(connectionString));
        var verifier = new AuditVerifier(dataSource);
        var tenants = new List<string>();
        if (jurisdiction is not null) tenants.Add(jurisdiction.ToUpperInvariant());
        else
        {
            await using var cmd = dataSource.CreateCommand($"select distinct tenant_id from {MartenSetup.Schema}.mt_streams order by 1");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tenants.Add(reader.GetString(0));
        }
        var broken = 0;
        foreach (var tenant in tenants)
        {
            var report = await verifier.VerifyAsync(tenant, null, CancellationToken.None);
            broken += report.Broken.Count;
            Console.WriteLine(JsonSerializer.Serialize(new { jurisdiction = tenant, report.StreamsChecked, report.EventsChecked, report.Broken }, ApiJson.Options));
        }
        if (broken > 0) Console.Error.WriteLine($"{broken} broken link(s) found.");
        return broken > 0 ? 1 : 0;
    }
}
