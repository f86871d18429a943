using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AssetLedger.Benchmarks;

/// <summary>
/// P1 of two or more builds of the service, side by side (<c>--p1-ab NAME=DLL,NAME=DLL</c>): each build
/// runs as its own process on its own database of the benchmark's PostgreSQL, all of them seeded
/// first, then their P1 windows are taken in turn, round after round, with the order reversed every
/// other round (A B, B A, …). This machine's speed drifts by tens of per cent within minutes; whole
/// benchmark runs taken one after the other compare that drift as much as the builds, windows taken
/// in turn within one run much less. Every process stays running throughout, so the idle ones
/// cost the measured one nothing but their memory.
/// </summary>
public static class P1Ab
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static void Log(string message) => Console.Error.WriteLine($"[p1-ab {DateTime.UtcNow:HH:mm:ss}] {message}");

    /// <summary>A build to measure, and settings of its own (environment variables of its process, e.g.
    /// <c>Commands__GroupCommitWorkers=1</c>).</summary>
    public sealed record Variant(string Name, string Dll, IReadOnlyDictionary<string, string> Settings);

    /// <summary><c>NAME=DLL[@KEY=VALUE…],…</c>: the same DLL may appear under several names with different settings.</summary>
    public static IReadOnlyList<Variant> ParseVariants(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v.Split('=', 2) is [var name, var rest] && name.Length > 0 && rest.Split('@') is [var dll, .. var settings] && dll.Length > 0
                ? new Variant(name, dll, settings.Select(kv => kv.Split('=', 2) is [var k, var x] && k.Length > 0
                        ? KeyValuePair.Create(k, x)
                        : throw new ArgumentException($"--p1-ab: '{kv}' is not KEY=VALUE."))
                    .ToDictionary())
                : throw new ArgumentException($"--p1-ab: '{v}' is not NAME=DLL[@KEY=VALUE…]."))
            .ToList() is { Count: >= 2 } list ? list : throw new ArgumentException("--p1-ab needs at least two NAME=DLL.");

    /// <param name="valuations">Measure valuations (the same groupable command path: one event, the asset
    /// document, the idempotency record) instead of seizures: any number of rounds on a small pool, where
    /// seizures use up one fresh asset each.</param>
    public static async Task<int> RunAsync(BenchOptions o, IReadOnlyList<Variant> variants, int rounds, bool valuations)
    {
        var s = o.Sizes;
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var users = Users.Create(signingKey);
        var hosts = new List<ServiceHost>();
        try
        {
            for (var i = 0; i < variants.Count; i++)
            {
                var connection = await RoundTrip.CreateDatabaseAsync(o.ConnectionString, $"assetledger_ab{i}");
                var dll = Path.GetFullPath(variants[i].Dll);
                if (!File.Exists(dll)) throw new BenchmarkException($"{variants[i].Name}: no service at {dll}.");
                hosts.Add(new ServiceHost(o, signingKey, new ServiceHost.Instance(o.Port + 2 * i, connection,
                    Path.Combine(o.WorkDir, $"service-ab-{variants[i].Name}.log"), null, variants[i].Settings, dll)));
            }
            Log($"{variants.Count} builds, {rounds} rounds, {s.Clients} clients, windows of {s.Warmup.TotalSeconds:F0} s warm-up + {s.Duration.TotalSeconds:F0} s, {s.Assets:N0} identified assets each");

            var pools = new Guid[variants.Count][];
            for (var i = 0; i < variants.Count; i++)
            {
                await hosts[i].StartAsync();
                using var api = new Api(hosts[i].BaseUrl, s.Clients * 2);
                var seeder = new Seeder(api, users, s, Log);
                pools[i] = await seeder.AssetsAsync();
                Log($"{variants[i].Name}: seeded ({seeder.Rates[^1].PerSecond:F0} req/s)");
            }

            // The command path's JIT settles on valuations of assets outside the pools' use (the last ones).
            var loads = hosts.Select(h => new LoadClients(new Uri(h.BaseUrl), s.Clients)).ToArray();
            try
            {
                for (var i = 0; i < variants.Count; i++)
                {
                    var pool = pools[i];
                    var load = loads[i];
                    var warm = await Load.RunAsync(s.Clients, TimeSpan.Zero, s.SteadyState, async w =>
                    {
                        var k = pool.Length - 1 - w;
                        var body = JsonSerializer.SerializeToUtf8Bytes(Seeder.ValuationBody(k));
                        return (await load[w].SendAsync("POST", $"/api/assets/{pool[k]}/valuations", users.Investigator, body)).Status;
                    });
                    Log($"{variants[i].Name}: warmed up with {warm.Ops:N0} valuations ({warm.ErrorSummary()})");
                }

                var what = valuations ? "valuations" : "seizures";
                var next = new int[variants.Count];
                var results = variants.Select(_ => new List<LoadResult>()).ToArray();
                var cpu = variants.Select(_ => new List<(double Service, double Postgres, double Client)>()).ToArray();
                var usable = pools.Select(p => p.Length - s.Clients).ToArray();
                for (var r = 0; r < rounds; r++)
                {
                    var order = Enumerable.Range(0, variants.Count);
                    if (r % 2 == 1) order = order.Reverse();
                    foreach (var i in order)
                    {
                        var pool = pools[i];
                        var load = loads[i];
                        (long Service, long Postgres, long Client)? atWindow = null;
                        var probe = Task.Run(async () => { await Task.Delay(s.Warmup); atWindow = CpuTicks(hosts[i].Pid); });
                        var result = await Load.RunAsync(s.Clients, s.Warmup, s.Duration, async w =>
                        {
                            var k = Interlocked.Increment(ref next[i]);
                            if (valuations)
                            {
                                // Client w values the assets of its own residue class only: no two clients share a stream.
                                var a = (k / s.Clients * s.Clients + w) % (usable[i] / s.Clients * s.Clients);
                                var valuation = JsonSerializer.SerializeToUtf8Bytes(Seeder.ValuationBody(k));
                                return (await load[w].SendAsync("POST", $"/api/assets/{pool[a]}/valuations", users.Investigator, valuation)).Status;
                            }
                            if (k >= usable[i]) return null;
                            return (await load[w].SendAsync("POST", $"/api/assets/{pool[k]}/seize", users.Investigator, Seeder.SeizureBody(k))).Status;
                        });
                        var atEnd = CpuTicks(hosts[i].Pid);
                        await probe;
                        // CPU of the timed window (warm-up left out) per operation completed in it, in µs.
                        var perOp = (Service: (atEnd.Service - atWindow!.Value.Service) * 10_000.0 / Math.Max(result.Ops, 1),
                            Postgres: (atEnd.Postgres - atWindow.Value.Postgres) * 10_000.0 / Math.Max(result.Ops, 1),
                            Client: (atEnd.Client - atWindow.Value.Client) * 10_000.0 / Math.Max(result.Ops, 1));
                        results[i].Add(result);
                        cpu[i].Add(perOp);
                        Log(string.Create(Inv, $"round {r + 1} {variants[i].Name}: {result.PerSecond:F0} {what}/s, p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, CPU per op: service {perOp.Service:F0} µs, PostgreSQL {perOp.Postgres:F0} µs, load client {perOp.Client:F0} µs, {result.ErrorSummary()}{(result.Exhausted ? $", pool ran out after {result.Seconds:F1} s" : "")}"));
                        if (result.Errors > 0) throw new BenchmarkException($"{variants[i].Name}: {result.Errors} failed {what}.");
                    }
                }

                Console.WriteLine($"P1 side by side ({what}), {rounds} rounds in turn ({s.Clients} clients, {s.Warmup.TotalSeconds:F0} s + {s.Duration.TotalSeconds:F0} s windows):");
                Console.WriteLine($"| build | {what}/s by round | mean | median | p50 ms (median) | p99 ms (median) | service µs/op (median) | PostgreSQL µs/op (median) | load client µs/op (median) |");
                Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
                var json = new Dictionary<string, object>();
                for (var i = 0; i < variants.Count; i++)
                {
                    var rates = results[i].Select(x => x.PerSecond).ToArray();
                    Console.WriteLine(string.Create(Inv,
                        $"| {variants[i].Name} | {string.Join(" / ", rates.Select(x => x.ToString("N0", Inv)))} | {rates.Average():N0} | {Stats.Median(rates):N0} | {Stats.Median(results[i].Select(x => x.P50)):F2} | {Stats.Median(results[i].Select(x => x.P99)):F2} | {Stats.Median(cpu[i].Select(x => x.Service)):F0} | {Stats.Median(cpu[i].Select(x => x.Postgres)):F0} | {Stats.Median(cpu[i].Select(x => x.Client)):F0} |"));
                    json[variants[i].Name] = new
                    {
                        dll = variants[i].Dll, per_second = rates, mean = rates.Average(), median = Stats.Median(rates),
                        p50_ms = results[i].Select(x => x.P50).ToArray(), p99_ms = results[i].Select(x => x.P99).ToArray(),
                        service_cpu_us_per_op = cpu[i].Select(x => x.Service).ToArray(), postgres_cpu_us_per_op = cpu[i].Select(x => x.Postgres).ToArray(),
                        load_client_cpu_us_per_op = cpu[i].Select(x => x.Client).ToArray(),
                    };
                }
                if (o.JsonPath is not null) await File.WriteAllTextAsync(o.JsonPath, JsonSerializer.Serialize(json));
            }
            finally
            {
                foreach (var l in loads) l.Dispose();
            }
            foreach (var h in hosts) await h.StopAsync();
            return 0;
        }
        finally
        {
            foreach (var h in hosts) h.Dispose();
        }
    }

    /// <summary>CPU ticks (1/100 s, user + system) of the service process, of every PostgreSQL process together,
    /// and of this process (the load client), from /proc.</summary>
    private static (long Service, long Postgres, long Client) CpuTicks(int servicePid)
    {
        long service = 0, postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, Inv, out var pid)) continue;
            try
            {
                if (pid == servicePid) { service = ServiceHost.CpuTicks(File.ReadAllText(Path.Combine(dir, "stat"))); continue; }
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmd.StartsWith("postgres", StringComparison.Ordinal) || Path.GetFileName(cmd.Split('\0')[0]) == "postgres")
                    postgres += ServiceHost.CpuTicks(File.ReadAllText(Path.Combine(dir, "stat")));
            }
            catch (IOException) { } // the process ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return (service, postgres, ServiceHost.CpuTicks(File.ReadAllText("/proc/self/stat")));
    }
}
