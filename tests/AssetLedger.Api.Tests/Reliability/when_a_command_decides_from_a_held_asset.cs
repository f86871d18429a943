using System.Net;
using AssetLedger.Api.Assets;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// Held assets (<see cref="HeldAssets"/>): the asset document a commit of this process wrote is kept at
/// its stream's version, and the next grouped command on the asset decides from it without reading it.
/// It is exactly what the store holds; a stream that moved behind the process's back is refused as a
/// race and decided again from the database; a commit that failed keeps nothing.
/// </summary>
public sealed class when_a_command_decides_from_a_held_asset(ApiFixture fixture) : ApiTest(fixture)
{
    private HeldAssets Held => Fixture.Host.Services.GetRequiredService<HeldAssets>();

    /// <summary>Assets are held only while the instance holds the status cache's lease, which it takes shortly after it starts.</summary>
    private async Task GivenTheLeaseIsHeld()
    {
        var cache = Fixture.Host.Services.GetRequiredService<AssetStatusCache>();
        for (var waited = 0; !cache.HoldsLease && waited < 200; waited++) await Task.Delay(50);
        Assert.True(cache.HoldsLease, "the test instance holds the lease within 10 s");
    }

    /// <summary>The held document and version equal the stored document and the stream's version, byte for byte.</summary>
    private async Task AssertHeldAsStoredAsync(Guid asset, long expectedVersion)
    {
        Assert.True(Held.TryPeek("NL", asset, out var held, out var version), "the asset is held");
        await using var session = Fixture.Store.QuerySession("NL");
        var stored = await session.LoadAsync<Asset>(asset);
        var state = await session.Events.FetchStreamStateAsync(asset);
        Assert.Equal(expectedVersion, version);
        Assert.Equal(state!.Version, version);
        var serializer = Fixture.Store.Options.Serializer();
        Assert.Equal(serializer.ToJson(stored!), serializer.ToJson(held));
    }

    [Fact]
    public async Task an_asset_is_held_as_each_commit_left_it_and_the_next_commands_decide_from_it()
    {
        await GivenTheLeaseIsHeld();
        var asset = await Client.AddAsset(await Client.OpenCase());
        await AssertHeldAsStoredAsync(asset, 1);

        var seized = await Client.Seize(asset).Ok();
        Assert.Equal("seized", seized.Str("status"));
        await AssertHeldAsStoredAsync(asset, 2);

        await Client.Value(asset, "250000.00").Ok();
        await AssertHeldAsStoredAsync(asset, 3);
        var read = await Client.Get($"/api/assets/{asset}", Tokens.Prosecutor);
        Assert.Equal("250000.00", read.Json.GetProperty("latestValuation").GetProperty("value").GetProperty("amount").GetString());

        var report = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(report.Json.GetProperty("broken").EnumerateArray());
    }

    [Fact]
    public async Task a_stream_another_writer_moved_is_refused_as_a_race_and_the_command_is_decided_from_the_database()
    {
        await GivenTheLeaseIsHeld();
        var asset = await Client.AddAsset(await Client.OpenCase());
        Assert.True(Held.TryPeek("NL", asset, out var before, out var heldVersion));
        Assert.Equal(AssetStatus.Identified, before.Status);

        // Another process seizes the asset: this one's held document (identified, version 1) is stale.
        await using (var other = Fixture.Store.LightweightSession("NL"))
        {
            var stream = await other.Events.FetchForWriting<Asset>(asset);
            DirectWrites.Envelope(other);
            stream.AppendOne(new AssetSeized("Other custodian", "Depot 2", DirectWrites.At, null));
            await other.SaveChangesAsync();
        }
        Assert.True(Held.TryPeek("NL", asset, out _, out var stillHeld));
        Assert.Equal(heldVersion, stillHeld);
        var events = await Fixture.EventCountAsync();

        // Decided from the held document, the seizure would be accepted; from the store it is refused.
        var again = await Client.Seize(asset);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
        Assert.False(Held.TryPeek("NL", asset, out _, out _), "a stale document is not held again");

        await Client.Value(asset).Ok();
        await AssertHeldAsStoredAsync(asset, 3);
        await using var session = Fixture.Store.QuerySession("NL");
        Assert.Equal("Other custodian", (await session.LoadAsync<Asset>(asset))!.Custody!.Custodian);
    }

    [Fact]
    public async Task a_command_whose_commit_failed_leaves_nothing_held_and_the_next_one_reads_the_store()
    {
        await GivenTheLeaseIsHeld();
        var asset = await Client.AddAsset(await Client.OpenCase());
        var used = Guid.NewGuid();
        var other = await Client.AddAsset(await Client.OpenCase("NL-2026-0043"));
        Assert.Equal(HttpStatusCode.OK, (await Client.Seize(other, used)).Status);
        var events = await Fixture.EventCountAsync();

        // The key was used for another request: the grouped commit fails at its record's primary key.
        var reused = await Client.Seize(asset, used);
        Assert.Equal(HttpStatusCode.Conflict, reused.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
        Assert.False(Held.TryPeek("NL", asset, out _, out _), "nothing is held after a failed commit");

        await Client.Seize(asset).Ok();
        await AssertHeldAsStoredAsync(asset, 2);
    }
}
