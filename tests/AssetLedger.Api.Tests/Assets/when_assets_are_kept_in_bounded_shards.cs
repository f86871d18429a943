using AssetLedger.Api.Assets;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// The bounded shard under the status cache and the held assets (no database): the oldest key added
/// goes first, a replaced key keeps its place, and keys removed do not grow the shard's order queue
/// without bound.
/// </summary>
public sealed class when_assets_are_kept_in_bounded_shards
{
    private static (string, Guid) Key(int n) => ("NL", new Guid(n, 0, 0, new byte[8]));

    [Fact]
    public void the_oldest_key_added_is_dropped_first()
    {
        var shard = new BoundedShard<int>();
        for (var n = 1; n <= 3; n++) shard.Set(Key(n), n, bound: 3);
        shard.Set(Key(1), 10, bound: 3); // replaced: still the oldest
        shard.Set(Key(4), 4, bound: 3);

        Assert.Equal(3, shard.Count);
        Assert.False(shard.TryGetValue(Key(1), out _));
        Assert.True(shard.TryGetValue(Key(2), out var two));
        Assert.Equal(2, two);
        Assert.True(shard.TryGetValue(Key(4), out _));
    }

    [Fact]
    public void a_key_removed_leaves_room_and_is_not_counted()
    {
        var shard = new BoundedShard<int>();
        shard.Set(Key(1), 1, bound: 2);
        shard.Set(Key(2), 2, bound: 2);
        Assert.True(shard.Remove(Key(1), out var removed));
        Assert.Equal(1, removed);

        shard.Set(Key(3), 3, bound: 2);
        Assert.Equal(2, shard.Count);
        Assert.True(shard.TryGetValue(Key(2), out _));
        Assert.True(shard.TryGetValue(Key(3), out _));
    }

    [Fact]
    public void keys_added_and_removed_many_times_keep_the_order_queue_bounded()
    {
        var shard = new BoundedShard<int>();
        for (var n = 0; n < 10_000; n++)
        {
            shard.Set(Key(n), n, bound: 8);
            if (n % 2 == 0) shard.Remove(Key(n));
        }

        Assert.InRange(shard.Count, 1, 8);
        Assert.InRange(shard.Queued, shard.Count, 2 * 8 + 16);
        Assert.True(shard.TryGetValue(Key(9_999), out _), "the key added last is kept");
    }

    [Fact]
    public void clearing_drops_every_key()
    {
        var shard = new BoundedShard<string>();
        shard.Set(Key(1), "one", bound: 4);
        shard.Clear();
        Assert.Equal(0, shard.Count);
        Assert.Equal(0, shard.Queued);
        Assert.False(shard.TryGetValue(Key(1), out _));
    }

    [Fact]
    public void capacity_is_spread_over_the_shards_and_zero_is_off()
    {
        Assert.Equal(0, AssetShards<BoundedShard<int>>.PerShard(0));
        Assert.Equal(1, AssetShards<BoundedShard<int>>.PerShard(1));
        Assert.Equal(313, AssetShards<BoundedShard<int>>.PerShard(20_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => AssetShards<BoundedShard<int>>.PerShard(-1));
    }
}
