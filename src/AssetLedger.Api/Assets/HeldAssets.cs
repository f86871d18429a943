using JasperFx.Events;
using Marten.Internal;

namespace AssetLedger.Api.Assets;

/// <summary>
/// The asset documents this process has just committed, each with its stream's version, so that the
/// next grouped command on the asset decides from it instead of reading the document and the version
/// again: the group's read round trip is skipped when every member finds its asset here
/// (docs/architecture.md, "Held assets").
/// <para>
/// Never trusted blindly. A held document is the one Marten's inline projection wrote in a commit that
/// succeeded, at the version that commit left the stream at, so a version names exactly one document.
/// The command appends with that version expected: if the stream moved since (another process, a
/// case-wide command, a commit whose outcome was never learnt), Marten refuses the append before the
/// write batch or the unique index on the stream's versions refuses it inside, as for a fetched stream,
/// and the command runs alone with a fresh read. An entry is taken out when it is used and when any
/// commit is about to append to its stream; only a commit that succeeded puts one back.
/// </para>
/// <para>
/// Used only while this instance holds the status cache's lease (<see cref="StatusCacheLease"/>: it is the
/// only instance on the database), and only entries kept within the same holding: with two instances
/// writing, held documents would often be stale, and each stale one costs its whole group a failed
/// commit. Correctness does not rest on the lease; the expected version is what refuses a stale one.
/// </para>
/// Bounded: at most about <c>capacity</c> entries, the oldest of a shard dropped first.
/// </summary>
public sealed class HeldAssets
{
    /// <summary>A shard's held documents, each with its stream's version and the lease term it was kept in.</summary>
    public sealed class Shard : BoundedShard<(Asset Asset, long Version, long Term)>;

    private readonly AssetShards<Shard> shards = new();
    private readonly int perShard;
    private readonly AssetStatusCache lease;

    public HeldAssets(int capacity, AssetStatusCache lease)
    {
        perShard = AssetShards<Shard>.PerShard(capacity);
        this.lease = lease;
    }

    /// <summary>From configuration: <c>Commands:HeldAssets</c> (default 20,000; 0 turns it off).</summary>
    public static HeldAssets FromConfiguration(IConfiguration configuration, AssetStatusCache lease) =>
        new(configuration.GetValue("Commands:HeldAssets", 20_000), lease);

    public bool Enabled => perShard > 0;

    /// <summary>Entries held now (for tests and diagnostics).</summary>
    public int Count => shards.All.Sum(s => { lock (s) return s.Count; });

    /// <summary>The held document of the asset and its version, left held (for tests and diagnostics).</summary>
    public bool TryPeek(string tenant, Guid id, out Asset asset, out long version)
    {
        (asset, version) = (null!, 0);
        var shard = shards.Of(id);
        lock (shard)
        {
            if (!shard.TryGetValue((tenant, id), out var held)) return false;
            (asset, version, _) = held;
            return true;
        }
    }

    /// <summary>Takes the held document of the asset out (a second command cannot use it too); false, and
    /// nothing to use, unless the lease is held and has been since the document was kept.</summary>
    public bool TryTake(string tenant, Guid id, out Asset asset, out long version)
    {
        (asset, version) = (null!, 0);
        if (!Enabled || !lease.HoldsLease) return false;
        var term = lease.LeaseTerm;
        var shard = shards.Of(id);
        lock (shard)
        {
            if (!shard.Remove((tenant, id), out var held) || held.Term != term) return false;
            (asset, version, _) = held;
            return true;
        }
    }

    /// <summary>Before a commit that may append to these streams: their entries are dropped, whatever the outcome.</summary>
    public void Forget(string tenant, IEnumerable<StreamAction> streams)
    {
        foreach (var stream in streams) Forget(tenant, stream.Id);
    }

    public void Forget(string tenant, Guid id)
    {
        if (!Enabled) return;
        var shard = shards.Of(id);
        lock (shard) shard.Remove((tenant, id));
    }

    /// <summary>
    /// After a commit that succeeded: keeps each asset document the session's inline projection wrote
    /// for <paramref name="streams"/>, when it is at the version its stream was committed at.
    /// </summary>
    public void KeepCommitted(IDocumentSession session, string tenant, IEnumerable<StreamAction> streams)
    {
        if (!Enabled) return;
        if (!((IMartenSession)session).ItemMap.TryGetValue(typeof(Asset), out var raw) || raw is not Dictionary<Guid, Asset> projected) return;
        foreach (var stream in streams)
            if (stream.Events.Count > 0 && projected.TryGetValue(stream.Id, out var asset) && asset.Version == stream.Version)
                Keep(tenant, asset, stream.Version);
    }

    /// <summary>Holds <paramref name="asset"/> as committed at <paramref name="version"/>, the oldest entry of its shard dropped beyond the bound.</summary>
    public void Keep(string tenant, Asset asset, long version)
    {
        if (!Enabled || !lease.HoldsLease) return;
        var entry = (asset, version, lease.LeaseTerm);
        var shard = shards.Of(asset.Id);
        var key = (tenant, asset.Id);
        lock (shard)
        {
            // Two commits on one stream (a case command appends to its assets outside their gates) may
            // end in either order: the later version stays.
            if (!shard.TryGetValue(key, out var kept) || kept.Version <= version) shard.Set(key, entry, perShard);
        }
    }

    /// <summary>
    /// Puts a held document in the session as if <c>FetchForWriting</c> had read it: the inline
    /// projection folds the command's events onto it without loading it. False when the session keeps
    /// its documents in a shape this does not know; the command then fetches its stream.
    /// </summary>
    public static bool Attach(IDocumentSession session, Asset asset)
    {
        session.UseIdentityMapFor<Asset>();
        var map = ((IMartenSession)session).ItemMap;
        if (!map.TryGetValue(typeof(Asset), out var raw)) map[typeof(Asset)] = raw = new Dictionary<Guid, Asset>();
        if (raw is not Dictionary<Guid, Asset> documents) return false;
        documents[asset.Id] = asset;
        return true;
    }
}

/// <summary>
/// A stream handle on an asset document in hand, held (<see cref="HeldAssets"/>) or read alone for a
/// group (<see cref="Infrastructure.GroupMember"/>): what <c>FetchForWriting</c> returns, without its
/// read of the stream's version. Its appends expect the stream at the document's version.
/// </summary>
internal sealed class DocumentStream(IDocumentSession session, Asset asset, long version) : IEventStream<Asset>
{
    private StreamAction? action;

    public Guid Id => asset.Id;
    public string? Key => null;
    public Asset? Aggregate => asset;
    public long? StartingVersion => version;
    public long? CurrentVersion => version + Events.Count;
    public CancellationToken Cancellation => CancellationToken.None;
    public IReadOnlyList<IEvent> Events => action?.Events ?? [];

    public bool AlwaysEnforceConsistency
    {
        get => action?.AlwaysEnforceConsistency ?? false;
        set => throw new NotSupportedException("A document's stream is only appended to.");
    }

    public void AppendOne(object @event) => AppendMany([@event]);

    public void AppendMany(params object[] events) => AppendMany((IEnumerable<object>)events);

    public void AppendMany(IEnumerable<object> events)
    {
        action = session.Events.Append(asset.Id, events);
        action.ExpectedVersionOnServer = version;
        action.AggregateType = typeof(Asset);
    }

    public void TryFastForwardVersion() => throw new NotSupportedException("A document's stream is used in one unit of work.");
}
