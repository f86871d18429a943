using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace AssetLedger.Api.Tests.Faults;

/// <summary>
/// Two service processes on one database, as a load balancer would run them (issue 7). Clients send
/// commands through both alternately, on shared assets (so commands race across instances), send
/// the same request (same key, same body) through both at once, and replay earlier keys through the
/// other instance. One instance is killed (SIGKILL) mid-run; the other keeps serving. No 5xx, no
/// answer over 5 s; every acknowledged key applied exactly once, every refused key not at all, a key
/// once acknowledged is acknowledged on every later attempt; unanswered keys resolved by replay;
/// audit chain intact; documents equal the fold of their events and a full rebuild. (The service has
/// no async projections, so "processed once" has nothing more to check than this.)
/// </summary>
[Trait("Category", "Faults")]
[Collection(FaultsCollection.Name)]
public sealed class when_two_instances_share_a_database(ITestOutputHelper output)
{
    public static readonly TimeSpan BothUp = TimeSpan.FromSeconds(5), OneUp = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan MaxLatency = when_the_database_goes_away_under_load.MaxLatency;
    public const int Clients = 4;
    public const int SharedAssets = 8;

    /// <summary>Cases and assets every client works on, and the confiscation order recorded on each asset.</summary>
    private sealed class SharedPool
    {
        public ConcurrentBag<Guid> Cases { get; } = [];
        public ConcurrentDictionary<Guid, Guid> AssetCase { get; } = new();
        public ConcurrentDictionary<Guid, Guid> Orders { get; } = new();
    }

    /// <summary>A client that races the others on shared assets, through both instances.</summary>
    private sealed class RacingClient(int index, LoadRun run, Func<int, Target> pick, SharedPool pool, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly List<Planned> _sent = [];
        private int _n;

        public int Pairs { get; private set; }
        public int CrossReplays { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                _n++;
                var r = _random.NextDouble();
                if (r < 0.04)
                {
                    var p = Requests.OpenCase(Guid.NewGuid(), $"T{index}-{_n}-{Guid.NewGuid().ToString("N")[..6]}");
                    if ((await Send(p, _n)).Ok) pool.Cases.Add(p.CaseId!.Value);
                }
                else if (r < 0.12)
                {
                    var cases = pool.Cases.ToArray();
                    var p = Requests.AddAsset(cases[_random.Next(cases.Length)], Guid.NewGuid());
                    if ((await Send(p, _n)).Ok) pool.AssetCase[p.AssetId!.Value] = p.CaseId!.Value;
                }
                else if (r < 0.32)
                {
                    // The same request through both instances at once: one effect, both 2xx (or both refused).
                    var p = AssetCommand();
                    var pair = Guid.NewGuid();
                    var both = await Task.WhenAll(run.SendAsync(index, pick(0), p, pairId: pair), run.SendAsync(index, pick(1), p, pairId: pair));
                    Pairs++;
                    After(p, both.FirstOrDefault(e => e.Ok));
                }
                else if (r < 0.42 && _sent.Count > 0)
                {
                    // An earlier key again, through the other instance.
                    var p = _sent[_random.Next(_sent.Count)];
                    await Send(p, _n + 1, isReplay: true);
                    CrossReplays++;
                }
                else
                {
                    var p = AssetCommand();
                    After(p, await Send(p, _n));
                }
            }
        }

        private async Task<Exchange> Send(Planned p, int n, bool isReplay = false)
        {
            var e = await run.SendAsync(index, pick(n), p, isReplay);
            if (p.IsCommand && !isReplay) _sent.Add(p);
            return e;
        }

        private void After(Planned p, Exchange? ok)
        {
            if (p.Kind == "confiscation" && ok is { Ok: true }) pool.Orders[p.AssetId!.Value] = OrderOf(p);
        }

        private static Guid OrderOf(Planned p)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(p.Body!);
            return doc.RootElement.GetProperty("orderId").GetGuid();
        }

        private Planned AssetCommand()
        {
            var assets = pool.AssetCase.ToArray();
            var (asset, caseId) = assets[_random.Next(assets.Length)];
            var cmd = Guid.NewGuid();
            var k = _random.Next(100);
            return k switch
            {
                < 25 => Requests.Freeze(caseId, asset, cmd),
                < 45 => Requests.Seize(caseId, asset, cmd),
                < 65 => Requests.Valuation(caseId, asset, cmd, _n),
                < 80 => Requests.Custody(caseId, asset, cmd, _n),
                < 90 => Requests.Confiscation(caseId, asset, cmd, Guid.NewGuid()),
                _ => pool.Orders.TryGetValue(asset, out var order)
                    ? Requests.Finality(caseId, asset, cmd, order)
                    : Requests.Valuation(caseId, asset, cmd, _n),
            };
        }
    }

    [Fact]
    public async Task commands_through_both_race_safely_and_the_survivor_keeps_serving_when_one_is_killed()
    {
        var (server, admin) = await FaultDatabase.StartAsync("faults_two_instances");
        await using var _ = server;
        var connection = FaultDatabase.ForService(admin);
        var logs = Directory.CreateTempSubdirectory("assetledger-faults-").FullName;
        // Both at once on an empty database, as a deployment would start them: in development each
        // instance applies the schema at start-up, so they race on it too.
        var startA = ServiceProcess.StartAsync("A", connection, logs);
        var startB = ServiceProcess.StartAsync("B", connection, logs);
        await using var a = await startA;
        await using var b = await startB;
        var warm = new LoadRun();
        await warm.WarmUpAsync(a.Target);
        await warm.WarmUpAsync(b.Target);

        var run = new LoadRun();
        var bAlive = true;
        Target Pick(int n) => Volatile.Read(ref bAlive) && n % 2 == 1 ? b.Target : a.Target;

        // The shared assets, created through both instances.
        var pool = new SharedPool();
        for (var i = 0; i < 2; i++)
        {
            var c = Requests.OpenCase(Guid.NewGuid(), $"SHARED-{i}-{Guid.NewGuid().ToString("N")[..6]}");
            Assert.True((await run.SendAsync(-4, Pick(i), c)).Ok);
            pool.Cases.Add(c.CaseId!.Value);
        }
        var cases = pool.Cases.ToArray();
        for (var i = 0; i < SharedAssets; i++)
        {
            var p = Requests.AddAsset(cases[i % cases.Length], Guid.NewGuid());
            Assert.True((await run.SendAsync(-4, Pick(i), p)).Ok);
            pool.AssetCase[p.AssetId!.Value] = p.CaseId!.Value;
        }

        using var stop = new CancellationTokenSource();
        var racers = Enumerable.Range(0, Clients).Select(i => new RacingClient(i, run, Pick, pool, seed: 3000 + i)).ToList();
        var clients = racers.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToList();

        await Task.Delay(BothUp);
        var killed = run.Mark("SIGKILL B");
        Volatile.Write(ref bAlive, false); // the load balancer stops sending to B …
        b.Kill();                          // … as B dies with requests in flight
        await Task.Delay(OneUp);
        stop.Cancel();
        await Task.WhenAll(clients);
        run.Mark("load stopped");

        var load = run.Exchanges;
        var failures = new List<string>();
        void Expect(bool ok, string what, IEnumerable<Exchange>? examples = null)
        {
            if (!ok) failures.Add(what + (examples is null ? "" : "\n  " + string.Join("\n  ", examples.Take(10))));
        }

        Expect(load.Count(e => e.Ok && e.Target == "A" && e.EndedAt < killed) >= 20, "fewer than 20 acknowledged through A before the kill");
        Expect(load.Count(e => e.Ok && e.Target == "B" && e.EndedAt < killed) >= 20, "fewer than 20 acknowledged through B before the kill");
        Expect(load.Count(e => e.Ok && e.StartedAt > killed) >= 20, "fewer than 20 acknowledged after the kill");
        Expect(load.Count(e => e.Status == 409) >= 5, "fewer than 5 conflicts: the clients did not race");

        // Legal answers only: 2xx, or 409 for a command that lost a race or is illegal in the status it found.
        Expect(!load.Any(e => e.Status >= 500), "5xx", load.Where(e => e.Status >= 500));
        Expect(!load.Any(e => e.Status is not null && !e.Ok && e.Status != 409), "refusals other than 409", load.Where(e => e.Status is not null && !e.Ok && e.Status != 409));
        Expect(!load.Any(e => !e.NoResponse && e.Latency > MaxLatency), $"answers over {MaxLatency.TotalSeconds} s", load.Where(e => !e.NoResponse && e.Latency > MaxLatency));
        // Only B's requests in flight at its death go unanswered; A never fails to answer.
        Expect(!load.Any(e => e.NoResponse && (e.Target == "A" || e.EndedAt < killed)), "unanswered requests other than B's at its death",
            load.Where(e => e.NoResponse && (e.Target == "A" || e.EndedAt < killed)));
        // A key once acknowledged is acknowledged on every later attempt (through either instance).
        var flips = load.Where(e => e.Request.IsCommand).GroupBy(e => e.Request.Key)
            .SelectMany(g => g.Where(e => !e.NoResponse && !e.Ok && g.Any(o => o.Ok && o.EndedAt < e.StartedAt))).ToList();
        Expect(flips.Count == 0, "a key acknowledged earlier was refused later", flips);

        var beforeReplay = await StoreCheck.RunAsync(admin, [.. warm.Exchanges, .. load]);
        failures.AddRange(beforeReplay.Failures);
        var replays = await run.ReplayAmbiguousAsync(a.Target);
        Expect(replays.All(r => r.Replay.Ok || r.Replay.Status == 409), "replays of unanswered requests that gave neither 2xx nor 409",
            replays.Where(r => !r.Replay.Ok && r.Replay.Status != 409).Select(r => r.Replay));
        var afterReplay = await StoreCheck.RunAsync(admin, [.. warm.Exchanges, .. run.Exchanges]);
        failures.AddRange(afterReplay.Failures);
        failures.AddRange(await ApiChecks.ResourcesAsync(a.Http, [.. warm.Exchanges, .. run.Exchanges]));
        var (audited, auditFailures) = await ApiChecks.AuditAsync(a.Http, afterReplay.Events);
        failures.AddRange(auditFailures);

        await a.StopAsync();
        var rebuild = await FaultDatabase.RebuildEqualsAsync(admin, connection, logs);
        failures.AddRange(rebuild);

        output.WriteLine(run.Figures($"two instances on one database, {Clients} racing clients on {SharedAssets}+ shared assets, B killed (SIGKILL)"));
        output.WriteLine($"through A: {load.Count(e => e.Target == "A")}, through B: {load.Count(e => e.Target == "B")}; same-key pairs sent through both at once: {racers.Sum(r => r.Pairs)}; " +
                         $"earlier keys replayed through the other instance: {racers.Sum(r => r.CrossReplays)}; 409: {load.Count(e => e.Status == 409)}");
        output.WriteLine($"B's requests in flight at its death: {load.Count(e => e.NoResponse)}; replayed through A: {replays.Count} ({replays.Count(r => r.Replay.Ok)} 2xx, {replays.Count(r => r.Replay.Status == 409)} 409); " +
                         $"stored before the replay: {beforeReplay.AmbiguousStored}");
        output.WriteLine("before replay " + beforeReplay);
        output.WriteLine("after replay  " + afterReplay);
        output.WriteLine($"audit verify: {audited} events checked; projections rebuild: documents {(rebuild.Count == 0 ? "identical" : "DIFFER")}");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)) + $"\n({failures.Count} failures; logs in {logs})\n" + run.Figures("run") + "\nA:\n" + a.LogTail(30) + "\nB:\n" + b.LogTail(30));
        Directory.Delete(logs, recursive: true);
    }
}
