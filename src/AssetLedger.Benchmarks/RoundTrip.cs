using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace AssetLedger.Benchmarks;

/// <summary>
/// The message round trip between two ledgers (issue 15): NL and DE as two service processes, each on
/// its own database of the benchmark's PostgreSQL, peers of each other over loopback HTTP. For each of
/// <c>n</c> certificates, one after the other (an idle exchange, not a load test): NL's prosecutor
/// issues and transmits; the certificate message goes NL → DE, the receipt report DE → NL. The times
/// are the servers' own event timestamps (both processes read the same machine clock), so polling
/// adds nothing to them: one way = DE's <c>certificate_received</c> − NL's <c>certificate_transmitted</c>;
/// round trip = NL's <c>receipt_confirmed</c> − NL's <c>certificate_transmitted</c>.
/// </summary>
public static class RoundTrip
{
    private static void Log(string message) => Console.Error.WriteLine($"[roundtrip] {message}");

    public static async Task<int> RunAsync(BenchOptions o, int n)
    {
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var peerKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var deConnection = await CreateDatabaseAsync(o.ConnectionString, "assetledger_de");
        var (nlPort, dePort) = (o.Port, o.Port + 2);
        var nlSettings = Settings("NL", "DE", dePort, peerKey);
        var deSettings = Settings("DE", "NL", nlPort, peerKey);
        using var nl = new ServiceHost(o, signingKey, new ServiceHost.Instance(nlPort, o.ConnectionString, o.ServiceLog, o.PidFile, nlSettings));
        using var de = new ServiceHost(o, signingKey, new ServiceHost.Instance(dePort, deConnection, Path.Combine(o.WorkDir, "service-de.log"),
            o.PidFile is null ? null : o.PidFile + ".de", deSettings));
        Log($"starting NL (:{nlPort}) and DE (:{dePort})");
        await nl.StartAsync();
        await de.StartAsync();

        var prosecutor = Tokens.Create(signingKey, "bench-prosecutor", "Bench Prosecutor", ["prosecutor"]);
        var nlAuditor = Tokens.Create(signingKey, "bench-auditor", "Bench Auditor", ["auditor"]);
        var deAuditor = Tokens.Create(signingKey, "bench-auditor-de", "Bench Auditor DE", ["auditor"], "DE", "ARO");
        using var nlApi = new Api(nl.BaseUrl, 4);
        using var deApi = new Api(de.BaseUrl, 4);

        var warmup = Math.Min(20, Math.Max(1, n / 10));
        var oneWay = new List<double>();
        var roundTrip = new List<double>();
        for (var i = 0; i < warmup + n; i++)
        {
            var id = Guid.NewGuid();
            await nlApi.ExpectAsync(nlApi.PostAsync("/api/certificates", prosecutor, Certificate(id)), "issue", 201);
            await nlApi.ExpectAsync(nlApi.PostAsync($"/api/certificates/{id}/transmit", prosecutor, new { commandId = Guid.NewGuid() }), "transmit", 200);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            Reply history;
            while (true)
            {
                history = await nlApi.ExpectAsync(nlApi.GetAsync($"/api/certificates/{id}/history", nlAuditor), "NL history", 200);
                if (RecordedAt(history, "receipt_confirmed") is not null) break;
                if (DateTime.UtcNow > deadline) throw new BenchmarkException($"certificate {id}: no receipt within 30 s");
                await Task.Delay(2);
            }
            var received = await deApi.ExpectAsync(deApi.GetAsync($"/api/certificates/{id}/history", deAuditor), "DE history", 200);
            if (i < warmup) continue;
            var t0 = RecordedAt(history, "certificate_transmitted")!.Value;
            oneWay.Add((RecordedAt(received, "certificate_received")!.Value - t0).TotalMilliseconds);
            roundTrip.Add((RecordedAt(history, "receipt_confirmed")!.Value - t0).TotalMilliseconds);
        }

        var ow = oneWay.Order().ToArray();
        var rt = roundTrip.Order().ToArray();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"round trip NL→DE→NL, {n} certificates after {warmup} warm-up, one at a time:"));
        Console.WriteLine(string.Create(inv, $"  one way (certificate transmitted → received):   p50 {LoadResult.Percentile(ow, 50):F1} ms  p99 {LoadResult.Percentile(ow, 99):F1} ms  max {ow[^1]:F1} ms"));
        Console.WriteLine(string.Create(inv, $"  round trip (transmitted → receipt confirmed):   p50 {LoadResult.Percentile(rt, 50):F1} ms  p99 {LoadResult.Percentile(rt, 99):F1} ms  max {rt[^1]:F1} ms"));
        if (o.JsonPath is not null)
            await File.WriteAllTextAsync(o.JsonPath, JsonSerializer.Serialize(new
            {
                roundtrip = new { n, warmup, one_way_p50_ms = LoadResult.Percentile(ow, 50), one_way_p99_ms = LoadResult.Percentile(ow, 99),
                    round_trip_p50_ms = LoadResult.Percentile(rt, 50), round_trip_p99_ms = LoadResult.Percentile(rt, 99), round_trip_max_ms = rt[^1] },
            }));
        await de.StopAsync();
        await nl.StopAsync();
        return 0;
    }

    private static Dictionary<string, string> Settings(string state, string peer, int peerPort, string key) => new()
    {
        ["Cooperation__State"] = state,
        [$"Cooperation__Peers__{peer}__BaseUrl"] = $"http://127.0.0.1:{peerPort}",
        [$"Cooperation__Peers__{peer}__Key"] = key,
    };

    /// <summary>A new, empty database beside the benchmark's (dropped first if it is there).</summary>
    internal static async Task<string> CreateDatabaseAsync(string connectionString, string name)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\"", conn)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", conn)) await create.ExecuteNonQueryAsync();
        b.Database = name;
        return b.ConnectionString;
    }

    private static DateTimeOffset? RecordedAt(Reply history, string type) =>
        history.Json().EnumerateArray().Where(e => e.GetProperty("type").GetString() == type)
            .Select(e => (DateTimeOffset?)DateTimeOffset.Parse(e.GetProperty("recordedAt").GetString()!, CultureInfo.InvariantCulture)).FirstOrDefault();

    private static object Certificate(Guid id) => new
    {
        certificateId = id, kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
        orderReference = "BENCH-" + id.ToString("N")[..8], issuedOn = "2026-02-01", finalOn = "2026-02-20",
        amountForExecutingState = new { amount = "10000.01", currency = "EUR" }, offence = "trafficking_in_human_beings",
        issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
    };
}
