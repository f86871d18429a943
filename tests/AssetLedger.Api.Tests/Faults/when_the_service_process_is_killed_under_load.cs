using Xunit.Abstractions;

namespace AssetLedger.Api.Tests.Faults;

/// <summary>
/// R5 (quality.md): the service, running as its own process, is killed with SIGKILL during a load run
/// and started again. Requests in flight get no answer; nothing else fails; the restarted service
/// serves at once and within the 5 s bar; every acknowledged request is stored exactly once; replaying
/// each unanswered request with its key gives a 2xx and exactly one effect; the audit chain is intact;
/// and the projected documents equal a full rebuild (R7; the service's projections are all inline, so
/// "async projections catch up to a rebuild" is this equality).
/// </summary>
[Trait("Category", "Faults")]
[Collection(FaultsCollection.Name)]
public sealed class when_the_service_process_is_killed_under_load(ITestOutputHelper output)
{
    public static readonly TimeSpan Before = TimeSpan.FromSeconds(3), After = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxLatency = when_the_database_goes_away_under_load.MaxLatency;
    public const int Clients = 4;

    [Fact]
    public async Task in_flight_requests_are_resolved_by_replay_and_every_acknowledged_write_is_stored_once()
    {
        var (server, admin) = await FaultDatabase.StartAsync("faults_crash");
        await using var _ = server;
        var connection = FaultDatabase.ForService(admin);
        var logs = Directory.CreateTempSubdirectory("assetledger-faults-").FullName;
        await using var service = await ServiceProcess.StartAsync("service", connection, logs);
        var warm = new LoadRun();
        await warm.WarmUpAsync(service.Target);

        var run = new LoadRun();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients)
            .Select(i => Task.Run(() => new OwnedEntitiesClient(i, run, () => service.Target, seed: 2000 + i).RunAsync(stop.Token)))
            .ToList();

        await Task.Delay(Before);
        var killed = run.Mark("SIGKILL");
        service.Kill();
        run.Mark("process gone");
        var restarting = run.Mark("restart");
        var startUp = await service.StartAgainAsync();
        var ready = run.Mark("ready again");
        await Task.Delay(After);
        stop.Cancel();
        await Task.WhenAll(clients);
        run.Mark("load stopped");

        var load = run.Exchanges;
        var failures = new List<string>();
        void Expect(bool ok, string what, IEnumerable<Exchange>? examples = null)
        {
            if (!ok) failures.Add(what + (examples is null ? "" : "\n  " + string.Join("\n  ", examples.Take(10))));
        }

        Expect(load.Count(e => e.Ok && e.EndedAt < killed) >= 20, "fewer than 20 acknowledged requests before the kill");
        Expect(load.Count(e => e.Ok && e.StartedAt > ready) >= 20, "fewer than 20 acknowledged requests after the restart");

        // The database never went away: no 5xx at all, and no refusal in this workload.
        Expect(!load.Any(e => e.Status >= 500), "5xx", load.Where(e => e.Status >= 500));
        Expect(!load.Any(e => e.Status is not null && !e.Ok), "unexpected refusals", load.Where(e => e.Status is not null && !e.Ok));
        // Only requests in flight at the kill or sent while the process was down go unanswered.
        Expect(!load.Any(e => e.NoResponse && (e.EndedAt < killed || e.StartedAt > ready)), "unanswered requests outside the crash",
            load.Where(e => e.NoResponse && (e.EndedAt < killed || e.StartedAt > ready)));
        // The 5 s bar for every answer, the first ones of the restarted process included.
        Expect(!load.Any(e => !e.NoResponse && e.Latency > MaxLatency), $"answers over {MaxLatency.TotalSeconds} s",
            load.Where(e => !e.NoResponse && e.Latency > MaxLatency).OrderByDescending(e => e.Latency));

        var beforeReplay = await StoreCheck.RunAsync(admin, [.. warm.Exchanges, .. load]);
        failures.AddRange(beforeReplay.Failures);
        var replays = await run.ReplayAmbiguousAsync(service.Target);
        Expect(replays.All(r => r.Replay.Ok), "replays of unanswered requests that did not give a 2xx", replays.Where(r => !r.Replay.Ok).Select(r => r.Replay));
        var afterReplay = await StoreCheck.RunAsync(admin, [.. warm.Exchanges, .. run.Exchanges]);
        failures.AddRange(afterReplay.Failures);
        failures.AddRange(await ApiChecks.ResourcesAsync(service.Http, [.. warm.Exchanges, .. run.Exchanges]));
        var (audited, auditFailures) = await ApiChecks.AuditAsync(service.Http, afterReplay.Events);
        failures.AddRange(auditFailures);

        await service.StopAsync();
        var rebuild = await FaultDatabase.RebuildEqualsAsync(admin, connection, logs);
        failures.AddRange(rebuild);

        var inFlight = load.Where(e => e.NoResponse && e.StartedAt < killed).ToList();
        output.WriteLine(run.Figures($"R5 process crash (SIGKILL), {Clients} clients, service as a separate process"));
        output.WriteLine($"start-up after the kill: {startUp.TotalMilliseconds:F0} ms to ready; in flight at the kill: {inFlight.Count} ({inFlight.Count(e => e.Request.IsCommand)} commands); " +
                         $"unanswered while down: {load.Count(e => e.NoResponse && e.StartedAt >= killed)}");
        output.WriteLine($"ambiguous keys replayed: {replays.Count}; stored before the replay: {beforeReplay.AmbiguousStored}, not stored: {beforeReplay.AmbiguousNotStored}; replays 2xx: {replays.Count(r => r.Replay.Ok)}");
        output.WriteLine("before replay " + beforeReplay);
        output.WriteLine("after replay  " + afterReplay);
        output.WriteLine($"audit verify: {audited} events checked; projections rebuild: documents {(rebuild.Count == 0 ? "identical" : "DIFFER")}");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)) + $"\n({failures.Count} failures; logs in {logs})\n" + run.Figures("run") + "\n" + service.LogTail(40));
        Directory.Delete(logs, recursive: true);
    }
}
