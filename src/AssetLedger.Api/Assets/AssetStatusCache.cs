using NodaTime;

namespace AssetLedger.Api.Assets;

/// <summary>
/// The answers of <c>GET /api/assets/{id}</c> kept in memory, so that a status read that finds its
/// answer here makes no database round trip (docs/architecture.md, "The status cache").
/// <para>
/// Exact for every write made through this process: every commit that may append to a stream is
/// bracketed by <see cref="BeginWrite"/> and the scope's disposal, which runs whether the commit
/// succeeded, lost a race or failed, and before the command is answered. While a write is in flight
/// on a shard, and if a write ended on it since the reader took its ticket, a reader's answer is not
/// kept: an answer read from a snapshot older than a commit can never be stored after that commit's
/// invalidation. So a read that starts after a write was acknowledged never sees the state before it.
/// </para>
/// <para>
/// Writes made by another process are kept out by <see cref="StatusCacheLease"/>: the cache answers
/// only while this instance holds the database's lease (no other instance is running) and has
/// confirmed it within <see cref="LeaseValidity"/>; another instance's writes wait until the holder
/// has switched its cache off. Entries also live at most <see cref="Lifetime"/>, which bounds what a
/// commit whose outcome the service never learnt could leave stale (docs/architecture.md).
/// </para>
/// Bounded: at most about <c>capacity</c> entries, the oldest of a shard evicted first.
/// </summary>
public sealed class AssetStatusCache
{
    /// <summary>One kept answer: the body as sent, its version (the ETag), who may see it, the day it was computed for.</summary>
    public sealed record Entry(byte[] Body, long Version, IReadOnlyList<string> CaseAgencies, LocalDate Day, Instant Expires);

    private readonly AssetShards<Shard> shards = new();
    private readonly int perShard;
    private readonly IClock clock;

    public AssetStatusCache(IClock clock, int capacity, Duration lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (lifetime <= Duration.Zero) capacity = 0;
        this.clock = clock;
        Lifetime = lifetime;
        perShard = AssetShards<Shard>.PerShard(capacity);
    }

    /// <summary>From configuration: <c>Reads:StatusCacheEntries</c> (default 100,000; 0 turns it off)
    /// and <c>Reads:StatusCacheSeconds</c> (default 60).</summary>
    public static AssetStatusCache FromConfiguration(IConfiguration configuration, IClock clock) => new(
        clock,
        configuration.GetValue("Reads:StatusCacheEntries", 100_000),
        Duration.FromSeconds(configuration.GetValue("Reads:StatusCacheSeconds", 60)));

    /// <summary>Configured on (a capacity and a lifetime). Writes are tracked whenever it is, held lease or not.</summary>
    public bool Enabled => perShard > 0;

    /// <summary>How long a confirmation of the lease lets the cache answer (see <see cref="StatusCacheLease"/>).</summary>
    public static readonly TimeSpan LeaseValidity = TimeSpan.FromMilliseconds(1500);

    // Monotonic milliseconds (Environment.TickCount64) until which the lease is confirmed; 0: not held.
    private long leaseValidUntil;

    /// <summary>This instance holds the lease (so its cache may answer), as last confirmed.</summary>
    public bool HoldsLease => Volatile.Read(ref leaseValidUntil) != 0;

    private bool Answering => Environment.TickCount64 < Volatile.Read(ref leaseValidUntil);

    private long leaseTerm;

    /// <summary>Counts the lease's acquisitions and losses: two equal values read while <see cref="HoldsLease"/>
    /// lie within one uninterrupted holding, in which no other instance wrote (<see cref="HeldAssets"/>).</summary>
    public long LeaseTerm => Interlocked.Read(ref leaseTerm);

    /// <summary>The backend pid of the lease's own connection (0: none), which holds the lock exclusive while this instance holds the lease.</summary>
    public int LeaseBackendPid { get; set; }

    /// <summary>The lease was acquired: the cache starts empty, and answers until <see cref="LeaseValidity"/> after the last confirmation.</summary>
    public void LeaseAcquired()
    {
        Interlocked.Increment(ref leaseTerm);
        DropAll();
        Volatile.Write(ref leaseValidUntil, Environment.TickCount64 + (long)LeaseValidity.TotalMilliseconds);
    }

    /// <summary>The lease was confirmed by a check sent at <paramref name="sentAt"/> (<see cref="Environment.TickCount64"/>): validity counts from the sending.</summary>
    public void LeaseConfirmed(long sentAt)
    {
        if (HoldsLease) Volatile.Write(ref leaseValidUntil, sentAt + (long)LeaseValidity.TotalMilliseconds);
    }

    /// <summary>The lease is given up or lost: nothing is answered or kept any more, and what was kept is dropped.</summary>
    public void LeaseLost()
    {
        Volatile.Write(ref leaseValidUntil, 0);
        Interlocked.Increment(ref leaseTerm);
        DropAll();
    }

    /// <summary>Drops every answer and refuses those being read (the lease changed hands, or a replayed
    /// command may stand for a commit whose end was never seen).</summary>
    public void DropAll()
    {
        foreach (var shard in shards.All)
            lock (shard)
            {
                shard.Clear();
                shard.Epoch++; // answers being read now are not kept
            }
    }

    public Duration Lifetime { get; }

    /// <summary>Entries held now (for tests and diagnostics).</summary>
    public int Count => shards.All.Sum(s => { lock (s) return s.Count; });

    /// <summary>The kept answer for the asset, if there is one computed for <paramref name="today"/> and still alive.</summary>
    public bool TryGet(string tenant, Guid id, LocalDate today, out Entry entry)
    {
        entry = null!;
        if (!Enabled || !Answering) return false;
        var shard = shards.Of(id);
        Entry? found;
        lock (shard) shard.TryGetValue((tenant, id), out found);
        if (found is null || found.Day != today || found.Expires <= clock.GetCurrentInstant()) return false;
        entry = found;
        return true;
    }

    /// <summary>Taken before reading the database: <see cref="Offer"/> keeps the answer only if no write touched the shard since.</summary>
    public long Ticket(Guid id)
    {
        if (!Enabled) return 0;
        var shard = shards.Of(id);
        lock (shard) return shard.Epoch;
    }

    /// <summary>An answer built for <paramref name="today"/> from the document as read after <paramref name="ticket"/> was taken.</summary>
    public Entry Compose(byte[] body, long version, IReadOnlyList<string> caseAgencies, LocalDate today) =>
        new(body, version, caseAgencies, today, clock.GetCurrentInstant() + Lifetime);

    /// <summary>Keeps the answer, unless a write on its shard is in flight or ended after the ticket was taken.</summary>
    public bool Offer(string tenant, Guid id, long ticket, Entry entry)
    {
        if (!Enabled) return false;
        var shard = shards.Of(id);
        lock (shard)
        {
            if (shard.Writing > 0 || shard.Epoch != ticket || !HoldsLease) return false;
            shard.Set((tenant, id), entry, perShard);
            return true;
        }
    }

    /// <summary>
    /// Call before committing a transaction that appends to <paramref name="streamIds"/>, and dispose
    /// the scope after the commit returned or threw (before answering): the streams' answers are
    /// dropped, and answers read while the write was in flight are not kept.
    /// </summary>
    public WriteScope? BeginWrite(string tenant, IEnumerable<Guid> streamIds)
    {
        if (!Enabled) return null;
        var ids = streamIds.Distinct().ToArray();
        if (ids.Length == 0) return null;
        var touched = ids.Select(shards.Of).Distinct().ToArray();
        foreach (var shard in touched)
            lock (shard) shard.Writing++;
        return new WriteScope(tenant, ids, touched, this);
    }

    public sealed class WriteScope : IDisposable
    {
        private readonly string tenant;
        private readonly Guid[] ids;
        private readonly Shard[] touched;
        private readonly AssetStatusCache cache;
        private int ended;

        internal WriteScope(string tenant, Guid[] ids, Shard[] touched, AssetStatusCache cache) =>
            (this.tenant, this.ids, this.touched, this.cache) = (tenant, ids, touched, cache);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref ended, 1) == 1) return;
            foreach (var id in ids)
            {
                var shard = cache.shards.Of(id);
                lock (shard) shard.Remove((tenant, id));
            }
            foreach (var shard in touched)
                lock (shard)
                {
                    shard.Epoch++;
                    shard.Writing--;
                }
        }
    }

    /// <summary>A shard's answers, and what keeps an answer read during a write from being kept.</summary>
    public sealed class Shard : BoundedShard<Entry>
    {
        public long Epoch;
        public int Writing;
    }
}
