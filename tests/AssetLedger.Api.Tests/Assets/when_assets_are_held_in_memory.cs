using AssetLedger.Api.Assets;
using AssetLedger.Assets;
using NodaTime;
using NodaTime.Testing;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// Held assets alone (no database): a held document is used once, per jurisdiction, is dropped by a
/// commit that may append to its stream, and the whole stays within its bound.
/// The database side is <c>Reliability/when_a_command_decides_from_a_held_asset</c>.
/// </summary>
public sealed class when_assets_are_held_in_memory
{
    private static AssetStatusCache Lease(bool held = true)
    {
        var cache = new AssetStatusCache(new FakeClock(Instant.FromUtc(2026, 3, 1, 9, 0)), 100, Duration.FromSeconds(60));
        if (held) cache.LeaseAcquired();
        return cache;
    }

    private static Asset Registered(Guid id) => Asset.Evolve(null,
        new AssetRegistered(id, Guid.NewGuid(), AssetKind.Cash, null, new Dictionary<string, string>(), "NL", null, ["NL-FIOD"]),
        1, Instant.FromUtc(2026, 3, 1, 9, 0))!;

    [Fact]
    public void a_held_asset_is_taken_once_and_only_in_its_jurisdiction()
    {
        var held = new HeldAssets(100, Lease());
        var asset = Registered(Guid.NewGuid());
        held.Keep("NL", asset, 1);

        Assert.False(held.TryTake("BE", asset.Id, out _, out _));
        Assert.True(held.TryTake("NL", asset.Id, out var taken, out var version));
        Assert.Same(asset, taken);
        Assert.Equal(1, version);
        Assert.False(held.TryTake("NL", asset.Id, out _, out _));
    }

    [Fact]
    public void a_later_commit_replaces_the_held_version_and_forgetting_drops_it()
    {
        var held = new HeldAssets(100, Lease());
        var id = Guid.NewGuid();
        var first = Registered(id);
        var second = first with { Version = 2 };
        held.Keep("NL", first, 1);
        held.Keep("NL", second, 2);

        Assert.True(held.TryPeek("NL", id, out var now, out var version));
        Assert.Same(second, now);
        Assert.Equal(2, version);
        Assert.Equal(1, held.Count);
        // The commit of version 1 ending after that of version 2 does not bring the older document back.
        held.Keep("NL", first, 1);
        Assert.True(held.TryPeek("NL", id, out now, out version));
        Assert.Same(second, now);
        Assert.Equal(2, version);

        held.Forget("NL", id);
        Assert.False(held.TryPeek("NL", id, out _, out _));
        Assert.Equal(0, held.Count);
    }

    [Fact]
    public void the_oldest_entries_are_dropped_beyond_the_bound_and_the_newest_are_kept()
    {
        // 64 shards of one entry each: every shard keeps the last asset kept in it.
        var held = new HeldAssets(64, Lease());
        var ids = Enumerable.Range(0, 5_000).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids) held.Keep("NL", Registered(id), 1);
        // Taking entries out and keeping them again must not let stale queue positions grow the shard.
        foreach (var id in ids.TakeLast(500))
            if (held.TryTake("NL", id, out var asset, out _)) held.Keep("NL", asset, 1);

        Assert.InRange(held.Count, 1, 64);
        var newestOfEachShard = ids.GroupBy(id => (uint)id.GetHashCode() % 64).Select(g => g.Last());
        Assert.All(newestOfEachShard, id => Assert.True(held.TryPeek("NL", id, out _, out _)));
    }

    [Fact]
    public void nothing_is_held_or_used_without_the_lease_nor_across_a_change_of_holder()
    {
        var alone = Lease(held: false);
        var held = new HeldAssets(100, alone);
        var asset = Registered(Guid.NewGuid());
        held.Keep("NL", asset, 1);
        Assert.Equal(0, held.Count);

        alone.LeaseAcquired();
        held.Keep("NL", asset, 1);
        Assert.Equal(1, held.Count);
        // Another instance ran meanwhile: what was kept under the previous holding is not used.
        alone.LeaseLost();
        Assert.False(held.TryTake("NL", asset.Id, out _, out _));
        alone.LeaseAcquired();
        Assert.False(held.TryTake("NL", asset.Id, out _, out _));

        held.Keep("NL", asset, 1);
        Assert.True(held.TryTake("NL", asset.Id, out _, out _));
    }

    [Fact]
    public void a_capacity_of_zero_holds_nothing()
    {
        var held = new HeldAssets(0, Lease());
        var asset = Registered(Guid.NewGuid());
        held.Keep("NL", asset, 1);
        Assert.False(held.Enabled);
        Assert.False(held.TryTake("NL", asset.Id, out _, out _));
        Assert.Equal(0, held.Count);
    }
}
