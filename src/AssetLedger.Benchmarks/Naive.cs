using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace AssetLedger.Benchmarks;

/// <summary>What the naive stack did in P1's load, and the proof in its store that the work was done.</summary>
public sealed record NaiveResult(
    LoadResult P1,              // the timed window, as P1's
    double? PeakRssMB,          // service RSS, peak over the P1 load (warm-up included, as P7)
    double JitShare,            // share of a core the background JIT used in the timed window
    double ReadyMs,             // process start to the first 200 of /health/ready (empty schema: Marten creates it)
    double FirstRequestMs,      // the first POST /assets, alone (Wolverine generates and compiles its code)
    double FirstSeizeMs,        // the first seizure, alone
    double SteadyStateSeconds,  // untimed identify + seize pairs before the pool is seeded
    string SteadyStateNote,
    int Pool,                   // fresh identified assets seeded for P1
    double SeedSeconds,
    long Accepted,              // 200s P1's load got, warm-up and the tail after the window included
    long SeizedInStore,         // pool assets whose snapshot says Seized
    long SeizedEvents,          // asset_seized events on the pool's streams
    double EventsPerTransaction)// asset_seized events per committing transaction (1 = no group commit)
{
    /// <summary>Every accepted seizure is in the store, once, and nothing else is.</summary>
    public bool Verified => SeizedInStore == Accepted && SeizedEvents == Accepted;
}

/// <summary>
/// Issue 17: P1 against the naive stack (src/AssetLedger.Naive), what a user would build from the public
/// Marten + Wolverine samples instead of this service: the same seizure over HTTP, the same clients and
/// body, one fresh asset per seizure, on the same PostgreSQL (schema <c>naive</c>) in the same run.
/// </summary>
public static class NaiveStack
{
    /// <summary>The naive stack never gets more fresh assets than this rate could seize in P1's warm-up and window.</summary>
    public const double MaxSeizuresPerSecond = 3_000;


    /// <summary>
    /// Starts the naive service (<paramref name="dll"/>, default <c>WorkDir/naive/AssetLedger.Naive.dll</c>; port
    /// <paramref name="port"/>, default <c>Port + 2</c>; log <c>WorkDir/naive.log</c>; pid file <c>PidFile.naive</c>),
    /// runs identify + seize pairs until its JIT settles (as P1's steady state: at least <paramref name="steadyState"/>,
    /// default <c>Sizes.SteadyState</c>, at most four times that) and to learn its rate, seeds a pool of fresh assets sized from that rate, runs P1's load on
    /// it, checks the store and stops the service.
    /// </summary>
    public static async Task<NaiveResult> RunP1Async(BenchOptions o, string signingKey, Users users, Action<string> log,
        string? dll = null, int? port = null, TimeSpan? steadyState = null)
    {
        var s = steadyState is { } least ? o.Sizes with { SteadyState = least } : o.Sizes;
        dll ??= Path.Combine(o.WorkDir, "naive", "AssetLedger.Naive.dll");
        await using var db = NpgsqlDataSource.Create(o.ConnectionString);
        // An empty schema, so that the counts below are this run's (bench.sh's cluster is fresh anyway).
        await using (var drop = db.CreateCommand("drop schema if exists naive cascade")) await drop.ExecuteNonQueryAsync();

        var instance = new ServiceHost.Instance(port ?? o.Port + 2, o.ConnectionString, Path.Combine(o.WorkDir, "naive.log"),
            o.PidFile is null ? null : o.PidFile + ".naive",
            new Dictionary<string, string> { ["ConnectionStrings__Naive"] = o.ConnectionString }, Path.GetFullPath(dll));
        using var service = new ServiceHost(o, signingKey, instance);
        try
        {
            log($"naive stack: starting {dll} on an empty schema (:{instance.Port}, log {instance.Log})");
            var ready = await service.StartAsync();
            log($"naive stack: ready after {ready.TotalMilliseconds:F0} ms (pid {service.Pid})");

            using var api = new Api(service.BaseUrl, s.Clients * 2);
            using var load = new LoadClients(new Uri(service.BaseUrl), s.Clients);

            // The first requests, each alone: Wolverine generates and compiles each endpoint's code on its first call.
            var first = Guid.NewGuid();
            var clock = Stopwatch.StartNew();
            await api.ExpectAsync(api.PostAsync("/assets", users.Investigator, IdentifyBody(first, 0)), "naive: first identification", 201);
            var firstRequestMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await api.ExpectAsync(api.PostAsync($"/api/assets/{first}/seize", users.Investigator, Seeder.SeizureBody(0)), "naive: first seizure", 200);
            var firstSeizeMs = clock.Elapsed.TotalMilliseconds;
            log($"naive stack: first identification {firstRequestMs:F0} ms, first seizure {firstSeizeMs:F0} ms (alone, not timed)");

            var steady = await SteadyStateAsync(service, load, users, s, log);

            // The pool: enough for P1's warm-up and window at twice the pairs' best rate in seizures (a seizure
            // costs about what an identification does, so seizures alone run at most about twice as fast as
            // pairs), times 1.5, capped at MaxSeizuresPerSecond. Running out is reported (Exhausted), as in P1.
            var window = (s.Warmup + s.Duration).TotalSeconds;
            var pool = (int)Math.Min(MaxSeizuresPerSecond * window, Math.Ceiling(2 * steady.BestPairsPerSecond * 1.5 * window)) + s.Clients;
            log($"naive stack: seeding {pool:N0} identified assets ({s.Clients * 2} concurrent requests; steady state's best rate {steady.BestPairsPerSecond:F0} identify + seize pairs/s)");
            var assets = Enumerable.Range(0, pool).Select(_ => Guid.NewGuid()).ToArray();
            var seedSeconds = await SeedAsync(api, users, assets, s.Clients * 2, log);
            log($"naive stack: seeded in {seedSeconds:F1} s = {pool / seedSeconds:F0} identifications/s");

            var paths = assets.Select(a => $"/api/assets/{a}/seize").ToArray();
            var bodies = assets.Select((_, i) => Seeder.SeizureBody(i)).ToArray();
            log($"naive stack P1: seizures over HTTP, {s.Clients} clients, {s.Warmup.TotalSeconds:F0} s warm-up + {s.Duration.TotalSeconds:F0} s (pool of {pool:N0})");
            var next = -1;
            long accepted = 0;
            LoadResult p1;
            double jit;
            double peakRss;
            await using (var sampler = new RssSampler(service, TimeSpan.FromMilliseconds(100)))
            {
                var ticksAtWindow = Task.Run(async () => { await Task.Delay(s.Warmup); return service.JitThreadTicks(); });
                var started = Stopwatch.StartNew();
                p1 = await Load.RunAsync(s.Clients, s.Warmup, s.Duration, async w =>
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= pool) return null;
                    var status = (await load[w].SendAsync("POST", paths[i], users.Investigator, bodies[i])).Status;
                    if (status == 200) Interlocked.Increment(ref accepted);
                    return status;
                });
                var windowSeconds = Math.Max(started.Elapsed.TotalSeconds - s.Warmup.TotalSeconds, 0.001);
                jit = ServiceHost.SecondsBetween(await ticksAtWindow, service.JitThreadTicks()) / windowSeconds;
                peakRss = sampler.PeakMB;
            }
            log($"naive stack P1: {p1.Ops:N0} ok in {p1.Seconds:F1} s = {p1.PerSecond:F0}/s, p50 {p1.P50:F2} ms, p99 {p1.P99:F2} ms, max {p1.Max:F1} ms, {p1.ErrorSummary()}; peak RSS {peakRss:F0} MB; background JIT in the window {jit:P0} of a core");
            if (p1.Exhausted) log($"naive stack P1: the pool of {pool:N0} ran out after {p1.Seconds:F1} s of the window");

            // The proof: every accepted seizure is an event on its stream and a Seized snapshot, one transaction each.
            var seizedInStore = await ScalarAsync<long>(db,
                "select count(*) from naive.mt_doc_asset where id = any(@ids) and data->>'Status' = 'Seized'", assets);
            var seizedEvents = await ScalarAsync<long>(db,
                "select count(*) from naive.mt_events where type = 'asset_seized' and stream_id = any(@ids)", assets);
            var perTransaction = await ScalarAsync<double>(db,
                "select count(*)::float8 / greatest(count(distinct xmin::text), 1) from naive.mt_events where type = 'asset_seized' and stream_id = any(@ids)", assets);
            var result = new NaiveResult(p1, peakRss, jit, ready.TotalMilliseconds, firstRequestMs, firstSeizeMs, steady.Seconds, steady.Note,
                pool, seedSeconds, accepted, seizedInStore, seizedEvents, perTransaction);
            log($"naive stack: {accepted:N0} seizures accepted; in the store {seizedInStore:N0} Seized snapshots, {seizedEvents:N0} asset_seized events, {perTransaction:F2} per transaction: {(result.Verified ? "verified" : "MISMATCH")}");
            return result;
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private static byte[] IdentifyBody(Guid id, int n) =>
        JsonSerializer.SerializeToUtf8Bytes(new { assetId = id, kind = "bank_account", description = $"Current account {n}" });

    private sealed record SteadyState(double Seconds, double BestPairsPerSecond, string Note);

    /// <summary>
    /// Identify + seize pairs on fresh assets (the seizure path, append included, with no pool to run out of)
    /// until the background JIT uses under 5 % of a core over 2 s, after at least <c>SteadyState</c> (3 s when that
    /// is 0: the pool is sized from the rate seen here) and at most four times that. Reports the best 2-second rate.
    /// </summary>
    private static async Task<SteadyState> SteadyStateAsync(ServiceHost service, LoadClients load, Users users, Sizes s, Action<string> log)
    {
        var min = s.SteadyState > TimeSpan.FromSeconds(3) ? s.SteadyState : TimeSpan.FromSeconds(3);
        var max = min * 4;
        log($"naive stack: steady state, identify + seize pairs ({s.Clients} clients) until the JIT settles ({min.TotalSeconds:F0}-{max.TotalSeconds:F0} s), not timed");
        long pairs = 0;
        var settled = 0;
        var share = double.NaN;
        var best = 0.0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var monitor = Task.Run(async () =>
        {
            var before = service.JitThreadTicks();
            var (count, at) = (Interlocked.Read(ref pairs), clock.Elapsed.TotalSeconds);
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop.Token); } catch (OperationCanceledException) { break; }
                var after = service.JitThreadTicks();
                var (nowCount, nowAt) = (Interlocked.Read(ref pairs), clock.Elapsed.TotalSeconds);
                share = ServiceHost.SecondsBetween(before, after) / (nowAt - at);
                best = Math.Max(best, (nowCount - count) / (nowAt - at));
                (before, count, at) = (after, nowCount, nowAt);
                if (clock.Elapsed >= min && share < 0.05) { Volatile.Write(ref settled, 1); break; }
            }
        });
        var n = 0;
        var run = await Load.RunAsync(s.Clients, TimeSpan.Zero, max, async w =>
        {
            if (Volatile.Read(ref settled) == 1) return null;
            var id = Guid.NewGuid();
            var k = Interlocked.Increment(ref n);
            var identified = (await load[w].SendAsync("POST", "/assets", users.Investigator, IdentifyBody(id, k))).Status;
            if (identified != 201) return identified;
            var seized = (await load[w].SendAsync("POST", $"/api/assets/{id}/seize", users.Investigator, Seeder.SeizureBody(k))).Status;
            if (seized == 200) Interlocked.Increment(ref pairs);
            return seized;
        });
        await stop.CancelAsync();
        await monitor;
        var seconds = clock.Elapsed.TotalSeconds;
        log($"naive stack: steady state after {seconds:F0} s ({run.Ops:N0} pairs, {run.ErrorSummary()}); best {best:F0} pairs/s; background JIT at the end: {share:P0} of a core");
        if (run.Errors > 0) throw new BenchmarkException($"The naive stack's steady-state load had {run.Errors} failed requests ({run.ErrorSummary()}); see its log.");
        if (best <= 0) best = run.PerSecond;
        var note = Volatile.Read(ref settled) == 1
            ? $"Naive stack: steady state of {seconds:F0} s of identify + seize pairs before its P1, until its background JIT used {share:P0} of a core (< 5 %)."
            : $"Naive stack: steady state not reached within {seconds:F0} s of identify + seize pairs: its background JIT still used {share:P0} of a core at the end.";
        return new SteadyState(seconds, best, note);
    }

    /// <summary>POST /assets for every id, <paramref name="concurrency"/> at a time; anything but 201 stops the run. Returns the seconds it took.</summary>
    private static async Task<double> SeedAsync(Api api, Users users, Guid[] ids, int concurrency, Action<string> log)
    {
        var next = -1;
        var done = 0;
        long lastReport = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Length)
            {
                await api.ExpectAsync(api.PostAsync("/assets", users.Investigator, IdentifyBody(ids[i], i)), "naive: identify asset", 201);
                var d = Interlocked.Increment(ref done);
                var now = clock.ElapsedMilliseconds;
                var seen = Interlocked.Read(ref lastReport);
                if (now - seen > 10_000 && Interlocked.CompareExchange(ref lastReport, now, seen) == seen)
                    log($"  naive seeding: {d:N0}/{ids.Length:N0} after {now / 1000.0:F0} s");
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, Guid[] ids)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("ids", ids);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
