namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// The thread pool's floor of worker threads (<c>ThreadPool:MinWorkerThreads</c>, default 64).
/// <para>
/// Why: when a command times out, Npgsql asks PostgreSQL to cancel it through a new connection and
/// waits for the server to close that connection with a synchronous read. A frozen server (a hung
/// host, a network partition, SIGSTOP in the fault test) never closes it, so every command that
/// times out holds a pool thread until the server answers again. Above the floor the pool adds
/// threads only about twice a second, and the deadline timers that turn waits into 503s queue
/// behind the blocked threads: the fault test measured a 503 due after 4 s arriving after 5.4 s,
/// with 12 work items queued. Below the floor threads are created at once, so the 503 stays on time.
/// </para>
/// The floor is not a cap, and an idle pool still shrinks back to what it needs.
/// </summary>
public static class ThreadPoolFloor
{
    public const int DefaultMinWorkerThreads = 64;

    public static void Apply(IConfiguration config)
    {
        var wanted = config.GetValue("ThreadPool:MinWorkerThreads", DefaultMinWorkerThreads);
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (wanted > workers && !ThreadPool.SetMinThreads(wanted, io))
            throw new InvalidOperationException($"ThreadPool:MinWorkerThreads = {wanted} was refused by the runtime (over the maximum?).");
    }
}
