using System.Diagnostics;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Keeps the thread pool from starving when the database client blocks its threads.
/// <para>
/// Why: when a command times out, Npgsql asks PostgreSQL to cancel it through a new connection and
/// waits for the server to close that connection with a synchronous read. A frozen server (a hung
/// host, a network partition, SIGSTOP in the fault test) never closes it, so every command that
/// times out holds a pool thread until the server answers again. The runtime adds threads beyond its
/// floor (the core count) only about twice a second, and the deadline timers that turn waits into
/// 503s queue behind the blocked threads: the fault test measured a 503 due after 4 s arriving after
/// 5.4 s, with 12 work items queued.
/// </para>
/// <para>
/// A permanently high floor fixed that but cost reads about a quarter of their throughput (idle
/// workers spinning on two cores; docs/benchmarks.md). So the floor stays where the runtime puts it,
/// and a watchdog on a thread of its own (not a pool thread, so it runs when the pool is stuck) looks
/// every 50 ms: work queued and not one item completed over two looks in a row (100 ms; longer than a
/// garbage collection pause) means every worker is busy or blocked, and it raises the floor above the
/// current thread count, which makes the pool add threads at once. After 30 s without starvation the
/// floor goes back down; idle threads then retire. Each change is logged (Warning, then Information).
/// </para>
/// <c>ThreadPool:MinWorkerThreads</c> sets a fixed floor instead (0, the default: the runtime's).
/// </summary>
public static class ThreadPoolFloor
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50), Calm = TimeSpan.FromSeconds(30);
    public const int Step = 8, Ceiling = 512;

    private static int _started;

    /// <summary>How many times the watchdog raised the floor since the process started.</summary>
    public static long Raises => Interlocked.Read(ref _raises);

    private static long _raises;
    private static volatile ILogger? _log;

    /// <summary>Where the watchdog reports (once the host's logging exists).</summary>
    public static void UseLogger(ILoggerFactory loggers) => _log = loggers.CreateLogger(typeof(ThreadPoolFloor));

    public static void Apply(IConfiguration config)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = config.GetValue("ThreadPool:MinWorkerThreads", 0);
        if (wanted > workers && !ThreadPool.SetMinThreads(wanted, io))
            throw new InvalidOperationException($"ThreadPool:MinWorkerThreads = {wanted} was refused by the runtime (over the maximum?).");
        if (Interlocked.Exchange(ref _started, 1) == 0)
            new Thread(Watch) { IsBackground = true, Name = "thread-pool watchdog" }.Start();
    }

    private static void Watch()
    {
        ThreadPool.GetMinThreads(out var floor, out var io);
        var lastCompleted = ThreadPool.CompletedWorkItemCount;
        var calm = Stopwatch.StartNew();
        var raised = false;
        var stalled = 0;
        while (true)
        {
            Thread.Sleep(Interval);
            var completed = ThreadPool.CompletedWorkItemCount;
            var pending = ThreadPool.PendingWorkItemCount;
            stalled = pending > 0 && completed == lastCompleted ? stalled + 1 : 0;
            lastCompleted = completed;
            if (stalled >= 2)
            {
                var target = Math.Min(Ceiling, Math.Max(floor, ThreadPool.ThreadCount) + Step);
                ThreadPool.GetMinThreads(out var current, out _);
                if (target > current && ThreadPool.SetMinThreads(target, io))
                {
                    Interlocked.Increment(ref _raises);
                    raised = true;
                    _log?.LogWarning("Thread pool starved ({Pending} work items queued, none completed for {Stalled} ms): floor raised from {From} to {To} threads",
                        pending, stalled * Interval.TotalMilliseconds, current, target);
                }
                calm.Restart();
            }
            else if (raised && calm.Elapsed > Calm)
            {
                ThreadPool.SetMinThreads(floor, io);
                raised = false;
                _log?.LogInformation("Thread pool calm for {Calm} s: floor back to {Floor} threads", Calm.TotalSeconds, floor);
            }
        }
    }
}
