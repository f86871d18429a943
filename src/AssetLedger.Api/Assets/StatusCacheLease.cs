using AssetLedger.Api.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Assets;

/// <summary>
/// Lets <see cref="AssetStatusCache"/> answer only while no other instance of the service can write
/// to the database, with one PostgreSQL advisory lock (per database) used three ways:
/// <list type="bullet">
/// <item>Every instance holds it <b>shared</b> for its lifetime, on a connection of its own (outside the
/// pool: the pool's connections never keep session state).</item>
/// <item>An instance that also gets it <b>exclusive</b> (<c>pg_try_advisory_lock</c>: only when no other
/// session holds it) is the only instance: it holds the lease and its cache answers.</item>
/// <item>Every write of an instance that does not hold the lease takes it shared for its transaction
/// (<see cref="GuardWriteAsync"/>), so it waits while another instance holds the lease.</item>
/// </list>
/// The holder checks every <see cref="Poll"/> whether anyone waits for the lock (a new instance
/// starting, or another instance's write); if so it switches its cache off and only then releases
/// the exclusive hold, so no write of another instance commits while a cache answers. Its session is
/// ended by PostgreSQL when it stops polling (<c>idle_session_timeout</c>, longer than
/// <see cref="AssetStatusCache.LeaseValidity"/>): a frozen holder never blocks the others for long,
/// and its cache stops answering before they can write. When the database is unreachable the cache
/// stops answering, and the lease is taken again once the database is back.
/// </summary>
public sealed class StatusCacheLease(NpgsqlDataSource unpooled, AssetStatusCache cache, ILogger<StatusCacheLease> log) : BackgroundService
{
    /// <summary>The advisory lock's key ("ALSC"); advisory locks are per database.</summary>
    public const long Key = 0x414C5343;

    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>A holder silent this long loses its session, so its lease (docs/architecture.md).</summary>
    public const string IdleSessionTimeout = "5s";

    private static readonly string WaitersSql =
        $"select exists (select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database()) and classid = 0 and objid = {Key} and objsubid = 1 and not granted)";

    /// <summary>A non-pooled data source on the service's connection string, for the lease's own connection.</summary>
    public static NpgsqlDataSource DataSourceFor(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(MartenSetup.WithDefaults(connectionString));
        builder.ConnectionStringBuilder.Pooling = false;
        return builder.Build();
    }

    /// <summary>
    /// Called in a write transaction before it commits: unless this instance holds the lease, the
    /// transaction takes the lock shared, waiting while another instance holds it (until that
    /// instance has switched its cache off).
    /// </summary>
    public static async Task GuardWriteAsync(AssetStatusCache cache, NpgsqlConnection connection, CancellationToken ct)
    {
        if (!cache.Enabled || cache.HoldsLease) return;
        await using var lockShared = new NpgsqlCommand($"select pg_advisory_xact_lock_shared({Key})", connection);
        await lockShared.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!cache.Enabled) return;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await HoldAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                cache.LeaseLost();
                if (ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
                    log.LogWarning("Status cache off: the database did not answer ({Reason}); retrying", ex.GetBaseException().Message);
                else
                    log.LogError(ex, "Status cache off: its lease failed; retrying");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        cache.LeaseLost();
    }

    private async Task HoldAsync(CancellationToken stopping)
    {
        await using var connection = await unpooled.OpenConnectionAsync(stopping);
        await ExecuteAsync(connection, $"set idle_session_timeout = '{IdleSessionTimeout}'", stopping);
        // Registration: waits while another instance holds the lease; it sees this wait and lets go.
        await using (var register = new NpgsqlCommand($"select pg_advisory_lock_shared({Key})", connection) { CommandTimeout = 0 })
            await register.ExecuteNonQueryAsync(stopping);
        try
        {
            while (true)
            {
                if (!cache.HoldsLease)
                {
                    await using var take = new NpgsqlCommand($"select pg_try_advisory_lock({Key})", connection);
                    if (await take.ExecuteScalarAsync(stopping) is true)
                    {
                        cache.LeaseAcquired();
                        log.LogInformation("Status cache on: this is the only instance on the database");
                    }
                }
                else
                {
                    await using var waiters = new NpgsqlCommand(WaitersSql, connection);
                    if (await waiters.ExecuteScalarAsync(stopping) is true)
                    {
                        cache.LeaseLost(); // first: nothing answers from memory once the lock is let go
                        await ExecuteAsync(connection, $"select pg_advisory_unlock({Key})", stopping);
                        log.LogInformation("Status cache off: another instance is using the database");
                    }
                    else cache.LeaseConfirmed();
                }
                await Task.Delay(Poll, stopping);
            }
        }
        finally
        {
            cache.LeaseLost(); // the connection closes (not pooled), and PostgreSQL releases its locks
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
