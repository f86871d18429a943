using AssetLedger.Api.Assets;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// The status cache's lease on a real PostgreSQL (a database of its own): one instance alone holds
/// it; another instance's write waits until the holder's cache is off; two instances running means
/// no cache answers; when one stops, the other takes the lease back.
/// </summary>
public sealed class when_instances_share_the_status_cache_lease
{
    private static AssetStatusCache NewCache() => new(new FakeClock(Instant.FromUtc(2026, 3, 1, 9, 0)), 100, Duration.FromSeconds(60));

    private static StatusCacheLease Lease(string connectionString, AssetStatusCache cache) =>
        new(StatusCacheLease.DataSourceFor(connectionString), cache, NullLogger<StatusCacheLease>.Instance);

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var waited = 0; !await condition() && waited < 200; waited++) await Task.Delay(50);
        Assert.True(await condition(), what + " within 10 s");
    }

    /// <summary>A database of its own, with the service's schema (the write guard is a function of it).</summary>
    private static async Task<string> NewDatabase()
    {
        var connectionString = await (await TestDatabase.Shared).CreateDatabaseAsync("lease_" + Guid.NewGuid().ToString("N")[..8]);
        await using var dataSource = AssetLedger.Api.Infrastructure.MartenSetup.BuildDataSource(connectionString);
        using var store = new Marten.DocumentStore(AssetLedger.Api.Infrastructure.MartenSetup.Options(dataSource, autoCreate: true));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return connectionString;
    }

    /// <summary>A database of its own with one instance on it, holding the lease, and the cache of a second instance not started yet.</summary>
    private static async Task<(string ConnectionString, StatusCacheLease A, AssetStatusCache CacheA, AssetStatusCache CacheB)> GivenALoneHolder()
    {
        var connectionString = await NewDatabase();
        var (cacheA, cacheB) = (NewCache(), NewCache());
        var a = Lease(connectionString, cacheA);
        await a.StartAsync(CancellationToken.None);
        await Until(() => cacheA.HoldsLease, "a lone instance holds the lease");
        return (connectionString, a, cacheA, cacheB);
    }

    [Fact]
    public async Task an_instance_with_its_cache_off_still_keeps_the_others_from_caching()
    {
        var connectionString = await NewDatabase();
        var (on, off) = (NewCache(), new AssetStatusCache(new FakeClock(Instant.FromUtc(2026, 3, 1, 9, 0)), 0, Duration.FromSeconds(60)));
        var withCacheOff = Lease(connectionString, off);
        await withCacheOff.StartAsync(CancellationToken.None);
        await Until(() => off.LeaseBackendPid != 0, "the instance with its cache off registers");
        var withCache = Lease(connectionString, on);
        await withCache.StartAsync(CancellationToken.None);
        await Until(() => on.LeaseBackendPid != 0, "the second instance registers");

        await Task.Delay(StatusCacheLease.Poll * 6);
        Assert.False(on.HoldsLease);

        await withCacheOff.StopAsync(CancellationToken.None);
        await Until(() => on.HoldsLease, "the instance with a cache takes the lease once it is alone");
        await withCache.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task a_write_that_passed_its_check_under_the_previous_holder_commits_before_the_next_holder_answers()
    {
        var (connectionString, a, cacheA, cacheB) = await GivenALoneHolder();

        // A write of the holder: it passes its check without waiting, holding the fence shared.
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await StatusCacheLease.GuardWriteAsync(cacheA, conn, CancellationToken.None);

        // The holder goes away before that write commits; the next instance takes the lease lock but
        // its cache must not answer before the write has committed.
        await a.StopAsync(CancellationToken.None);
        var b = Lease(connectionString, cacheB);
        await b.StartAsync(CancellationToken.None);
        await Task.Delay(AssetStatusCache.LeaseValidity * 2);
        Assert.False(cacheB.HoldsLease);

        await tx.CommitAsync();
        await Until(() => cacheB.HoldsLease, "the next instance holds the lease once the write has committed");
        await b.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task only_a_lone_instance_answers_from_memory_and_a_write_elsewhere_waits_until_it_has_stopped()
    {
        var (connectionString, a, cacheA, cacheB) = await GivenALoneHolder();

        // Another instance's write: it takes the lock shared in its transaction, and may only go on
        // once the holder's cache has stopped answering.
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await StatusCacheLease.GuardWriteAsync(cacheB, conn, CancellationToken.None);
            Assert.False(cacheA.HoldsLease);
            await tx.CommitAsync();
        }
        await Until(() => cacheA.HoldsLease, "the lone instance takes the lease back after the write");

        var b = Lease(connectionString, cacheB);
        await b.StartAsync(CancellationToken.None);
        await Until(() => !cacheA.HoldsLease, "the holder lets go when a second instance starts");
        await Task.Delay(StatusCacheLease.Poll * 6);
        Assert.False(cacheA.HoldsLease);
        Assert.False(cacheB.HoldsLease);

        await b.StopAsync(CancellationToken.None);
        await Until(() => cacheA.HoldsLease, "the remaining instance takes the lease when the other stops");
        Assert.False(cacheB.HoldsLease);
        await a.StopAsync(CancellationToken.None);
        Assert.False(cacheA.HoldsLease);
    }

    /// <summary>
    /// The guard as commands commit it: queued in the Marten batch that writes the events
    /// (<see cref="AssetLedger.Api.Infrastructure.CommandExecutor.CommitAsync"/>, <see cref="AssetLedger.Api.Assets.StatusCacheLease.QueueGuard"/>), not a statement of its own. Another
    /// instance's commit gets past its writes only once the holder's cache has stopped answering.
    /// </summary>
    [Fact]
    public async Task a_commit_of_another_instance_waits_in_its_batch_until_the_holder_has_stopped_answering()
    {
        var (connectionString, a, cacheA, cacheB) = await GivenALoneHolder();
        await using var dataSource = AssetLedger.Api.Infrastructure.MartenSetup.BuildDataSource(connectionString);
        using var store = new Marten.DocumentStore(AssetLedger.Api.Infrastructure.MartenSetup.Options(dataSource, autoCreate: false));

        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // Commands' sessions end their batch with COMMIT (CommandExecutor.OpenWriteSession); this one does
        // not, so that the test can look between the batch and the commit.
        var options = Marten.Services.SessionOptions.ForTransaction(tx, shouldAutoCommit: false);
        options.TenantId = "NL";
        await using var session = store.LightweightSession(options);
        session.Store(new AssetLedger.Api.Audit.ChainHead { Id = Guid.NewGuid(), Version = 1, Hash = new string('a', 64) });
        Assert.True(cacheA.HoldsLease);

        AssetLedger.Api.Assets.StatusCacheLease.QueueGuard(cacheB, session);
        await session.SaveChangesAsync();

        Assert.False(cacheA.HoldsLease);
        await tx.CommitAsync();
        await Until(() => cacheA.HoldsLease, "the lone instance takes the lease back after the commit");
        await a.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// A write that holds the fence and then asks for the lease lock (the guard's order) while an
    /// instance is taking the lease: after a database restart, a write of this instance still names its
    /// previous lease connection, so it takes the lease lock shared. The instance taking the lease waits
    /// for the fence without holding the lease lock, so the write gets it: no deadlock (the write's own
    /// deadlock check runs after 10 ms, so a cycle would fail the write, not the lease).
    /// </summary>
    [Fact]
    public async Task a_write_between_the_fence_and_the_lease_lock_does_not_deadlock_with_an_instance_taking_the_lease()
    {
        var connectionString = await NewDatabase();
        await using var write = new NpgsqlConnection(connectionString);
        await write.OpenAsync();
        await using var tx = await write.BeginTransactionAsync();
        await Execute(write, tx, "set local deadlock_timeout = '10ms'");
        await Execute(write, tx, $"select pg_advisory_xact_lock_shared({StatusCacheLease.FenceKey})");

        var cache = NewCache();
        var lease = Lease(connectionString, cache);
        await lease.StartAsync(CancellationToken.None);
        await using (var look = new NpgsqlConnection(connectionString))
        {
            await look.OpenAsync();
            var waiting = $"select exists (select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database()) and objid = {StatusCacheLease.FenceKey} and mode = 'ExclusiveLock' and not granted)";
            await Until(async () =>
            {
                await using var probe = new NpgsqlCommand(waiting, look);
                return await probe.ExecuteScalarAsync() is true;
            }, "the instance waits for the fence");
        }

        await Execute(write, tx, $"select pg_advisory_xact_lock_shared({StatusCacheLease.Key})");
        await tx.CommitAsync();

        await Until(() => cache.HoldsLease, "the instance holds the lease once the write has committed");
        await lease.StopAsync(CancellationToken.None);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 10 };
        await command.ExecuteNonQueryAsync();
    }
}
