using Npgsql;

namespace AssetLedger.Api.Assets;

/// <summary>
/// Lets <see cref="AssetStatusCache"/> answer only while no other instance of the service can write
/// to the database unseen, with two PostgreSQL advisory locks (per database): the lease
/// <see cref="Key"/> and the write fence <see cref="FenceKey"/>.
/// <list type="bullet">
/// <item>Every instance holds the lease lock <b>shared</b> for its lifetime, on a connection of its own
/// (outside the pool: the pool's connections never keep session state), cache on or off.</item>
/// <item>An instance whose cache is on and that also gets it <b>exclusive</b> (<c>pg_try_advisory_lock</c>:
/// only when no other session holds it) is the only instance: it holds the lease.</item>
/// <item>Every write transaction, of every instance, first takes the fence shared, then checks in SQL
/// whether its own instance's lease connection holds the lease (it holds its <see cref="HolderKey"/>
/// exclusive exactly then); if not, it takes the lease lock shared, and so waits while another
/// instance holds it (<see cref="GuardWriteAsync"/>).</item>
/// <item>A new holder takes the fence exclusive before it takes the lease lock exclusive, in the guard's
/// order (fence, then lease lock; a first try of the lease lock, let go at once, keeps an instance that
/// is not alone from asking for the fence), and before its cache answers: writes that passed the check
/// under a previous holder commit first, and it keeps the fence for <see cref="AssetStatusCache.LeaseValidity"/>,
/// longer than a previous holder's cache can still answer.</item>
/// </list>
/// The holder checks every <see cref="Poll"/> whether anyone waits for the lease lock (a new instance
/// registering, another instance's write); if so it switches its cache off and only then lets the
/// exclusive hold go. Its session ends when it stops polling (<c>idle_session_timeout</c>), and its
/// cache stops answering <see cref="AssetStatusCache.LeaseValidity"/> after it sent its last check.
/// When the database is unreachable the cache stops answering; the lease is taken again when it is back.
/// </summary>
public sealed class StatusCacheLease(NpgsqlDataSource unpooled, AssetStatusCache cache, ILogger<StatusCacheLease> log) : BackgroundService
{
    /// <summary>The lease's advisory lock ("ALSC").</summary>
    public const long Key = 0x414C5343;

    /// <summary>The write fence's advisory lock ("ALSF").</summary>
    public const long FenceKey = 0x414C5346;

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
    /// The guard as a statement of its own (one round trip), for a writer outside a command's batch
    /// (the import): the fence shared, then, unless this instance's lease connection holds the lease
    /// exclusive right now, the lease lock shared, which waits while another instance holds the lease
    /// (until it has switched its cache off). The locking itself is the schema's function, in one place.
    /// </summary>
    public static async Task GuardWriteAsync(AssetStatusCache cache, NpgsqlConnection connection, CancellationToken ct)
    {
        await using var guard = new NpgsqlCommand($"select {GuardCall(cache)}", connection);
        await guard.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The same guard queued in a Marten session, so that it travels in the batch that writes the
    /// events and documents (no round trip of its own). Where it stands in the batch does not matter:
    /// its locks are taken before the transaction commits, and a new lease holder takes the fence
    /// exclusive, so it waits for every transaction that took it shared, whenever in the transaction.
    /// A statement in Marten's batch must be one statement that returns no result set (Marten reads the
    /// batch's results by position, and refuses ';'): an INSERT of no row, whose one-time filter calls
    /// the guard once (it takes the locks and answers true).
    /// </summary>
    public static void QueueGuard(AssetStatusCache cache, IDocumentSession session) =>
        session.QueueSqlCommand($"insert into {MartenSetup.Schema}.{GuardTableName} (id) select 1 where not {GuardCall(cache)}");

    // The holder's lease connection holds its instance's own key (HolderKey) exclusive exactly while it
    // holds the lease: if a shared try on it succeeds, this instance is not the holder (now).
    private static string GuardCall(AssetStatusCache cache) => $"{MartenSetup.Schema}.{GuardFunctionName}({HolderKey(cache.LeaseBackendPid)})";

    public const string GuardFunctionName = "al_guard_write", GuardTableName = "al_write_guard";

    /// <summary>
    /// The write guard as a function of the service's schema, and the (always empty) table its statement
    /// names, created and kept by Marten's schema management (<c>db-apply</c>, or at start in Development).
    /// The function's text is written as PostgreSQL gives it back (<c>pg_get_functiondef</c>), so that
    /// <c>db-assert</c> finds the schema as configured.
    /// </summary>
    public static IEnumerable<Weasel.Core.ISchemaObject> GuardSchemaObjects()
    {
        yield return new Weasel.Postgresql.Functions.Function(
            new Weasel.Postgresql.PostgresqlObjectName(MartenSetup.Schema, GuardFunctionName, Weasel.Postgresql.SchemaUtils.IdentifierUsage.Function),
            $$"""
            CREATE OR REPLACE FUNCTION {{MartenSetup.Schema}}.{{GuardFunctionName}}(holder bigint)
             RETURNS boolean
             LANGUAGE plpgsql
            AS $function$
            begin
              perform pg_advisory_xact_lock_shared({{FenceKey}});
              if pg_try_advisory_xact_lock_shared(holder) then
                perform pg_advisory_xact_lock_shared({{Key}});
              end if;
              return true;
            end
            $function$;
            """);
        var table = new Weasel.Postgresql.Tables.Table(new Weasel.Postgresql.PostgresqlObjectName(MartenSetup.Schema, GuardTableName, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        table.AddColumn<int>("id").AsPrimaryKey();
        yield return table;
    }


    /// <summary>The key a lease connection holds exclusive while it holds the lease: its backend pid, in a key space of its own.</summary>
    public static long HolderKey(int leaseBackendPid) => (1L << 32) | (uint)leaseBackendPid;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
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
                if (ex is NpgsqlException || ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
                    log.LogWarning("Status cache off: its connection to the database failed ({Reason}); retrying", ex.GetBaseException().Message);
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
        await ExecuteAsync(connection, $"select pg_advisory_lock_shared({Key})", stopping, wait: true);
        cache.LeaseBackendPid = connection.ProcessID;
        try
        {
            while (true)
            {
                var sentAt = Environment.TickCount64;
                if (!cache.HoldsLease)
                {
                    if (cache.Enabled && await TryTakeLeaseAsync(connection, stopping))
                    {
                        cache.LeaseAcquired();
                        log.LogInformation("Status cache on: this is the only instance on the database");
                    }
                }
                else if (await ScalarAsync(connection, WaitersSql, stopping) is true)
                {
                    cache.LeaseLost(); // first: nothing answers from memory once the lock is let go
                    await ExecuteAsync(connection, $"select pg_advisory_unlock({HolderKey(connection.ProcessID)}); select pg_advisory_unlock({Key})", stopping);
                    log.LogInformation("Status cache off: another instance is using the database");
                }
                else cache.LeaseConfirmed(sentAt);
                await Task.Delay(Poll, stopping);
            }
        }
        finally
        {
            // The connection closes (not pooled), and PostgreSQL releases its locks.
            cache.LeaseLost();
            cache.LeaseBackendPid = 0;
        }
    }

    /// <summary>
    /// Takes the lease if this instance is alone: the lease lock and its own key exclusive, after the
    /// fence exclusive has waited out the writes in flight. The fence comes first, as in every write's
    /// guard (fence, then lease lock): a holder that took the lease lock first and then waited for the
    /// fence deadlocked with a write that held the fence and waited for the lease lock (after a database
    /// restart, a write of this instance still naming its previous lease connection). The lease lock is
    /// tried before the fence is asked for, so that an instance that is not alone does not stall every
    /// write each time it looks.
    /// </summary>
    private static async Task<bool> TryTakeLeaseAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (await ScalarAsync(connection, $"select pg_try_advisory_lock({Key})", ct) is not true) return false;
        await ExecuteAsync(connection, $"select pg_advisory_unlock({Key})", ct);
        // Writes that passed their check under a previous holder hold the fence shared: they commit
        // first. Held for as long as a previous holder's cache may still answer, so no write commits
        // unseen while it does. Should anything below throw (a lost connection, the service stopping),
        // the fence is not let go here: the lease connection, not pooled, is closed and that releases it.
        await ExecuteAsync(connection, $"select pg_advisory_lock({FenceKey})", ct, wait: true);
        var taken = await TryTakeUnderFenceAsync(connection, ct);
        await ExecuteAsync(connection, $"select pg_advisory_unlock({FenceKey})", ct);
        return taken;
    }

    private static async Task<bool> TryTakeUnderFenceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Another instance may have registered meanwhile; and a write of this instance may hold its
        // own key shared for a moment (it found no holder): then try again later.
        if (await ScalarAsync(connection, $"select pg_try_advisory_lock({Key})", ct) is not true) return false;
        if (await ScalarAsync(connection, $"select pg_try_advisory_lock({HolderKey(connection.ProcessID)})", ct) is not true)
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({Key})", ct);
            return false;
        }
        await Task.Delay(AssetStatusCache.LeaseValidity, ct);
        return true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, bool wait = false)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (wait) command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct);
    }
}
