using Npgsql;

namespace AssetLedger.Api.Audit;

/// <summary>
/// The last hash and version of one stream's chain, written in the same transaction as the events
/// that moved it. It saves the command a query for the previous hash: the executor loads it in the
/// same round trip as the idempotency record and the aggregate.
/// </summary>
public sealed class ChainHead
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public string Hash { get; set; } = "";
}

/// <summary>
/// Writes each new event's chain hash into its headers, in the same transaction as the event. The
/// previous hash and version of a touched stream come from a <see cref="ChainHead"/> when the
/// caller preloaded one at the version the append expects, otherwise from one query over the
/// events; if another writer appends in between, the append's optimistic version check fails and
/// the command is retried. An asset stream's head is kept in its <see cref="Asset"/> document (the
/// inline projection stores the last event's hash there), so asset streams get no ChainHead
/// document: their commands read the head with the asset, in no extra statement.
/// </summary>
public sealed class ChainStamper(IDocumentStore store)
{
    /// <summary>Stamps the events of <paramref name="only"/> (one command of a group commit), or of every stream the session touches.</summary>
    public async Task StampAsync(IDocumentSession session, NpgsqlConnection connection, CommandContext ctx, string recordedAt,
        ChainHead? preloaded, CancellationToken ct, IReadOnlyList<JasperFx.Events.StreamAction>? only = null)
    {
        var actions = only ?? session.PendingChanges.Streams().ToList();
        if (actions.Count == 0) return;

        var heads = new Dictionary<Guid, (long Version, string Hash)>();
        var unknown = new List<Guid>();
        foreach (var action in actions)
        {
            if (action.ActionType == JasperFx.Events.StreamActionType.Start) heads[action.Id] = (0L, AuditChain.Genesis);
            else if (preloaded is { } p && p.Id == action.Id && p.Version == action.ExpectedVersionOnServer) heads[action.Id] = (p.Version, p.Hash);
            else unknown.Add(action.Id);
        }
        if (unknown.Count > 0)
            foreach (var (id, head) in await HeadsAsync(connection, ctx.Caller.Jurisdiction, unknown.ToArray(), ct))
                heads[id] = head;

        var serializer = store.Options.Serializer();
        foreach (var action in actions)
        {
            var (version, previous) = heads.TryGetValue(action.Id, out var head) ? head : (0L, AuditChain.Genesis);
            // The hashes are computed for the versions after this head. A plain Append (an asset's
            // access granted by its case's command, outside the asset's gate) would otherwise take
            // whatever version the stream has at the commit, and an asset command committed in
            // between would leave these hashes one version off: the append must find its stream
            // where the head was read, or fail as a race.
            if (action.ActionType == JasperFx.Events.StreamActionType.Append) action.ExpectedVersionOnServer ??= version;
            foreach (var e in action.Events)
            {
                version++;
                var content = new ChainedContent(ctx.Caller.Jurisdiction, action.Id, version, Naming.SnakeCase(e.Data.GetType().Name),
                    AuditChain.Canonical(serializer.ToJson(e.Data)), ctx.Caller.Id, ctx.Caller.Name, ctx.Role, ctx.Caller.Agency, recordedAt);
                previous = AuditChain.Hash(previous, content);
                e.SetHeader(AuditChain.HashHeader, previous);
            }
            if (!action.Events.All(e => e.Data is IAssetEvent))
                session.Store(new ChainHead { Id = action.Id, Version = version, Hash = previous });
        }
    }

    private static async Task<Dictionary<Guid, (long, string)>> HeadsAsync(NpgsqlConnection connection, string tenant, Guid[] streamIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select distinct on (stream_id) stream_id, version, coalesce(headers->>'hash', '') from {MartenSetup.Schema}.mt_events " +
            "where tenant_id = $1 and stream_id = any($2) order by stream_id, version desc", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamIds });
        var heads = new Dictionary<Guid, (long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            heads[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetString(2));
        return heads;
    }
}
