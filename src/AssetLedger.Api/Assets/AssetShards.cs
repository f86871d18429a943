namespace AssetLedger.Api.Assets;

/// <summary>
/// What the service keeps in memory per asset (<see cref="AssetStatusCache"/>'s answers,
/// <see cref="HeldAssets"/>' documents), spread over <see cref="Count"/> shards by the asset's id so
/// that commands and reads on different assets rarely wait for the same lock. Each shard is locked
/// by its owner.
/// </summary>
public sealed class AssetShards<TShard> where TShard : new()
{
    public const int Count = 64;

    private readonly TShard[] shards = Enumerable.Range(0, Count).Select(_ => new TShard()).ToArray();

    /// <summary>Entries per shard for about <paramref name="capacity"/> in all (0: none, the store is off).</summary>
    public static int PerShard(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        return capacity == 0 ? 0 : Math.Max(1, (capacity + Count - 1) / Count);
    }

    public TShard Of(Guid id) => shards[(int)((uint)id.GetHashCode() % Count)];

    public IReadOnlyList<TShard> All => shards;
}

/// <summary>
/// One shard's entries by (jurisdiction, asset), bounded: adding a key beyond the bound drops the
/// oldest added first. Not thread-safe: its owner locks it.
/// </summary>
public class BoundedShard<TValue>
{
    private readonly Dictionary<(string Tenant, Guid Id), TValue> entries = [];

    // Keys in the order they were added. A key removed since stays until it comes up (and is skipped)
    // or until the queue is compacted, so a key removed and added again may be dropped a little early.
    private Queue<(string Tenant, Guid Id)> order = new();

    public int Count => entries.Count;

    /// <summary>Keys in the order queue, removed ones included (for tests: it stays bounded).</summary>
    public int Queued => order.Count;

    public bool TryGetValue((string Tenant, Guid Id) key, out TValue value) => entries.TryGetValue(key, out value!);

    public bool Remove((string Tenant, Guid Id) key) => entries.Remove(key);

    public bool Remove((string Tenant, Guid Id) key, out TValue value) => entries.Remove(key, out value!);

    /// <summary>Replaces the key's value, or adds it, dropping the oldest keys to stay within <paramref name="bound"/>.</summary>
    public void Set((string Tenant, Guid Id) key, TValue value, int bound)
    {
        if (entries.ContainsKey(key))
        {
            entries[key] = value;
            return;
        }
        while (entries.Count >= bound && order.TryDequeue(out var oldest)) entries.Remove(oldest);
        entries[key] = value;
        order.Enqueue(key);
        if (order.Count > 2 * bound + 16)
            order = new Queue<(string, Guid)>(order.Distinct().Where(entries.ContainsKey));
    }

    public void Clear()
    {
        entries.Clear();
        order.Clear();
    }
}
