using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace AssetLedger.Benchmarks;

/// <summary>
/// P4 at the size of quality.md without hours of seeding over HTTP: a database of its own gets the
/// service's schema (<c>db-apply</c>), then a generated register (seed 42, <c>generate-register</c>)
/// imported by the service's own <c>import</c>, large enough for <c>n</c> events (about 6.3 events
/// per asset: the case, the asset's steps, its orders); then P4 exactly as in the full run
/// (<see cref="RebuildAsync"/>: three rebuilds, each followed by the raw read and parse, medians on
/// both sides, the documents compared before and after).
/// </summary>
public sealed partial class BenchRun
{
    /// <summary>Events per imported asset of the generated register (632,524 events for 100,000 assets, seed 42).</summary>
    private const double EventsPerImportedAsset = 6.3;

    public async Task<int> RebuildAtScaleAsync(long targetEvents)
    {
        var connection = await RoundTrip.CreateDatabaseAsync(o.ConnectionString, "assetledger_rebuild");
        await using var db = NpgsqlDataSource.Create(connection);
        var raw = new Raw(db);
        FillMeta(await raw.SettingAsync("server_version"), await raw.SettingAsync("synchronous_commit"), await raw.SettingAsync("fsync"));
        using var service = new ServiceHost(o, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            new ServiceHost.Instance(o.Port, connection, o.ServiceLog, null, new Dictionary<string, string>()));
        await ImportBench.CliAsync(o, connection, ["db-apply"], "db-apply");

        var assets = (int)Math.Ceiling(targetEvents / EventsPerImportedAsset);
        var file = Path.GetFullPath(Path.Combine(o.WorkDir, $"register-{assets}.csv"));
        Log($"P4 at scale: generating a register of {assets:N0} assets for about {targetEvents:N0} events");
        await ImportBench.CliAsync(o, connection, ["generate-register", "--assets", assets.ToString(Inv), "--seed", "42", "--file", file], "generate-register");
        var imported = await ImportBench.CliAsync(o, connection, ["import", "--jurisdiction", "NL", "--file", file, "--user", "bench-importer"], "import");
        Log($"imported: {imported.Trim()}");
        var events = await raw.ScalarAsync<long>($"select count(*) from {Raw.ServiceSchema}.mt_events");
        if (events < targetEvents)
            throw new BenchmarkException($"The import wrote {events:N0} events, fewer than the {targetEvents:N0} asked for.");
        await using (var vacuum = db.CreateCommand("vacuum analyze")) { vacuum.CommandTimeout = 0; await vacuum.ExecuteNonQueryAsync(); }

        var row = await RebuildAsync(raw, service, events);
        row.Extra["store"] = $"imported register of {assets} assets (seed 42)";
        report.Rows.Add(row);
        report.Notes.Add($"P4 at scale: the store is an imported register of {assets:N0} assets ({events:N0} events), vacuumed and analysed before the first rebuild.");
        Console.WriteLine();
        Console.WriteLine($"AssetLedger benchmark, P4 at scale, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {report.Meta["loadavg_start"]} → {LoadAverage()}");
        Console.WriteLine();
        Console.Write(report.Table());
        Console.WriteLine();
        foreach (var n in report.Notes) Console.WriteLine($"- {n}");
        if (o.JsonPath is not null) report.WriteJson(o.JsonPath);
        Log($"done in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }
}
