using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetLedger.Api.Tests.Faults;

/// <summary>
/// R2 and R4 (quality.md): a command's commit that fails inside its write batch is never a 500 and
/// writes nothing. When the server ends the connection (a shutdown or restart, as in
/// <see cref="when_the_database_goes_away_under_load"/>), it is an outage (503, retry with the same
/// key). When the transaction is over before Marten's rollback of the failed batch, that rollback
/// throws "This NpgsqlTransaction has completed" in place of the cause (the fault test met it after a
/// deadlock between the status cache's guard and a lease handover): <see cref="CommandExecutor.IsRace"/>
/// takes it for a race, so the executor retries it. Both commit through <see cref="CommandExecutor.CommitAsync"/>,
/// which the lone and the grouped commit share.
/// </summary>
public sealed class when_a_commit_fails_inside_its_batch(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>A transfer of custody on <paramref name="asset"/>, ready to commit, with <paramref name="sql"/> queued in its write batch.</summary>
    private async Task<Exception> CommitWithAsync(Guid asset, params string[] sql)
    {
        var dataSource = Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var options = Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: true);
        options.TenantId = "NL";
        await using var session = Fixture.Store.LightweightSession(options);
        var stream = await session.Events.FetchForWriting<Asset>(asset);
        DirectWrites.Envelope(session);
        stream.AppendOne(DirectWrites.Transfer("Custodian A"));
        foreach (var statement in sql) session.QueueSqlCommand(statement);

        var cache = Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>();
        return await Assert.ThrowsAnyAsync<Exception>(() => CommandExecutor.CommitAsync(cache, session, "NL", CancellationToken.None));
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
    public async Task a_transaction_over_before_the_rollback_is_retried_as_a_race()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();

        // The transaction ends inside the batch, then a statement fails: Marten's rollback finds it over.
        var failed = await CommitWithAsync(asset, "rollback", "select 1 / 0");

        Assert.True(CommandExecutor.IsRace(failed), $"not retried: {failed.GetType().FullName}: {failed.Message}");
        Assert.False(ErrorHandlingMiddleware.IsDatabaseUnavailable(failed));
        await AssertNothingWrittenAsync(asset, events);
    }
}
