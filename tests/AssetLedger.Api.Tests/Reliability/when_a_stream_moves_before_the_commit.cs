using Microsoft.Extensions.DependencyInjection;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// The store's own optimistic check, under the append mode the service configures
/// (<see cref="MartenSetup"/>): a session that read a stream, then lost it to another writer (another
/// instance: within one instance the executor's gates serialise commands on a stream), fails to
/// commit with an exception the executor treats as a race (<see cref="CommandExecutor.IsRace"/>:
/// it re-decides instead of answering 500), and writes nothing.
/// </summary>
public sealed class when_a_stream_moves_before_the_commit(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task the_later_commit_is_refused_as_a_race_and_appends_nothing()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();
        var events = await Fixture.EventCountAsync();

        await using var first = Fixture.Store.LightweightSession("NL");
        await using var second = Fixture.Store.LightweightSession("NL");
        var firstStream = await first.Events.FetchForWriting<Asset>(asset);
        var secondStream = await second.Events.FetchForWriting<Asset>(asset);
        var read = secondStream.CurrentVersion;
        Assert.Equal(read, firstStream.CurrentVersion);

        DirectWrites.Envelope(first);
        firstStream.AppendOne(DirectWrites.Transfer("Custodian A"));
        await first.SaveChangesAsync();

        DirectWrites.Envelope(second);
        secondStream.AppendOne(DirectWrites.Transfer("Custodian B"));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());

        Assert.True(CommandExecutor.IsRace(refused), $"not treated as a race: {refused.GetType().FullName}: {refused.Message}");
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
        await using var query = Fixture.Store.QuerySession("NL");
        var stored = await query.LoadAsync<Asset>(asset);
        Assert.Equal(read + 1, stored!.Version);
        Assert.Equal("Custodian A", stored.Custody!.Custodian);
    }

    /// <summary>
    /// The same race through the commands' own commit (<see cref="CommandExecutor.OpenWriteSession"/>,
    /// COMMIT as the batch's last statement): the loser's batch is refused by PostgreSQL before its
    /// COMMIT, so it writes nothing even though Marten checks the stream's version only after the batch.
    /// </summary>
    [Fact]
    public async Task the_later_commit_in_its_own_batch_is_refused_as_a_race_and_appends_nothing()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();
        var events = await Fixture.EventCountAsync();
        var dataSource = Fixture.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var cache = Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>();

        await using var firstConnection = await dataSource.OpenConnectionAsync();
        await using var firstTransaction = await firstConnection.BeginTransactionAsync();
        await using var first = CommandExecutor.OpenWriteSession(Fixture.Store, firstTransaction, "NL", out var firstCommit);
        await using var secondConnection = await dataSource.OpenConnectionAsync();
        await using var secondTransaction = await secondConnection.BeginTransactionAsync();
        await using var second = CommandExecutor.OpenWriteSession(Fixture.Store, secondTransaction, "NL", out var secondCommit);
        var firstStream = await first.Events.FetchForWriting<Asset>(asset);
        var secondStream = await second.Events.FetchForWriting<Asset>(asset);
        var read = secondStream.CurrentVersion;

        DirectWrites.Envelope(first);
        firstStream.AppendOne(DirectWrites.Transfer("Custodian A"));
        await CommandExecutor.CommitAsync(cache, first, firstCommit, "NL", CancellationToken.None);

        DirectWrites.Envelope(second);
        secondStream.AppendOne(DirectWrites.Transfer("Custodian B"));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => CommandExecutor.CommitAsync(cache, second, secondCommit, "NL", CancellationToken.None));

        Assert.True(CommandExecutor.IsRace(refused), $"not treated as a race: {refused.GetType().FullName}: {refused.Message}");
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
        await using var query = Fixture.Store.QuerySession("NL");
        var stored = await query.LoadAsync<Asset>(asset);
        Assert.Equal(read + 1, stored!.Version);
        Assert.Equal("Custodian A", stored.Custody!.Custodian);
    }
}
