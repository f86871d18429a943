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
}
