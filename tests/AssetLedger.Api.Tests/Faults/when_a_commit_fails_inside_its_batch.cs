using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetLedger.Api.Tests.Faults;

/// <summary>
/// R2 and R4 (quality.md): a command's commit that fails inside its write batch is never a 500 and
/// writes nothing. Commands commit with the last statement of their write batch
/// (<see cref="CommandExecutor.OpenWriteSession"/>), so a statement that fails stops the batch before
/// the COMMIT. When the server ends the connection (a shutdown or restart, as in
/// <see cref="when_the_database_goes_away_under_load"/>), it is an outage (503, retry with the same
/// key). A deadlock (seen between the status cache's guard and a lease handover) surfaces as itself,
/// not replayed by Marten on the aborted transaction, and <see cref="CommandExecutor.IsRace"/> takes
/// it for a race, so the executor retries it. Both commit through <see cref="CommandExecutor.CommitAsync"/>,
/// which the lone and the grouped commit share.
/// </summary>
public sealed class when_a_commit_fails_inside_its_batch(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>A transfer of custody on <paramref name="asset"/>, ready to commit, with <paramref name="sql"/> queued in its write batch.</summary>
    private async Task<Exception> CommitWithAsync(Guid asset, params string[] sql)
    {
        await using var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
        write.Transfer("Custodian A");
        foreach (var statement in sql) write.Session.QueueSqlCommand(statement);
        return await Assert.ThrowsAnyAsync<Exception>(write.CommitAsync);
    }

    private async Task AssertNothingWrittenAsync(Guid asset, long events)
    {
        Assert.Equal(events, await Fixture.EventCountAsync());
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal(1, status["version"].GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, status["custody"].ValueKind);
    }

    [Fact]
    public async Task a_connection_the_server_ends_is_an_outage()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();

        var failed = await CommitWithAsync(asset, "select pg_terminate_backend(pg_backend_pid())");

        Assert.True(ErrorHandlingMiddleware.IsDatabaseUnavailable(failed), $"not an outage: {failed.GetType().FullName}: {failed.Message}");
        Assert.False(CommandExecutor.IsRace(failed));
        await AssertNothingWrittenAsync(asset, events);
    }

    [Fact]
    public async Task a_deadlock_in_the_batch_is_retried_as_a_race()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();
        // What PostgreSQL answers the loser of a deadlock, raised from inside the batch.
        await Fixture.ExecuteSqlAsync(
            "create or replace function public.al_test_deadlock() returns void language plpgsql as $$ begin raise exception 'deadlock detected' using errcode = '40P01'; end $$");

        Exception failed;
        try { failed = await CommitWithAsync(asset, "select public.al_test_deadlock()"); }
        finally { await Fixture.ExecuteSqlAsync("drop function if exists public.al_test_deadlock()"); }

        Assert.True(CommandExecutor.IsRace(failed), $"not retried: {failed.GetType().FullName}: {failed.Message}");
        Assert.Contains(Flatten(failed), e => e is PostgresException { SqlState: "40P01" });
        // (Npgsql also calls a deadlock transient, so it would pass for an outage too; the executor
        // asks IsRace first, inside its retry loop.)
        await AssertNothingWrittenAsync(asset, events);
    }

    [Fact]
    public async Task a_statement_that_fails_before_the_commit_writes_nothing_and_is_not_a_race()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();

        var failed = await CommitWithAsync(asset, "select 1 / 0");

        Assert.Contains(Flatten(failed), e => e is PostgresException { SqlState: "22012" });
        Assert.False(CommandExecutor.IsRace(failed));
        Assert.False(ErrorHandlingMiddleware.IsDatabaseUnavailable(failed));
        await AssertNothingWrittenAsync(asset, events);
    }

    [Fact]
    public async Task a_session_opened_without_the_batch_commit_is_refused_and_writes_nothing()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();
        var dataSource = Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var options = Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false);
            options.TenantId = "NL";
            await using var session = Fixture.Store.LightweightSession(options);
            var stream = await session.Events.FetchForWriting<Asset>(asset);
            DirectWrites.Envelope(session);
            stream.AppendOne(DirectWrites.Transfer("Custodian A"));
            var cache = Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>();

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => CommandExecutor.CommitAsync(cache, Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.HeldAssets>(), session, new BatchCommit(transaction), "NL", CancellationToken.None));
            Assert.Contains("had no COMMIT", refused.Message);
        }
        await AssertNothingWrittenAsync(asset, events);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException a)
                foreach (var inner in a.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
    }
}
