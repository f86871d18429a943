using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Assets;

public static class AssetQueries
{
    /// <summary>
    /// The asset's current document, read straight from its table: one prepared statement on a
    /// pooled connection, no session. The status read (<c>GET /api/assets/{id}</c>) is the hottest
    /// read of the service; this is the row Marten's <c>LoadAsync</c> reads (same table, same
    /// tenant filter, same deserialiser), without the session around it.
    /// </summary>
    private static async Task<Asset?> DocumentAsync(NpgsqlDataSource db, ISerializer serializer, string tenant, Guid assetId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ReadDocumentSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = assetId });
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) ? serializer.FromJson<Asset>(reader, 0) : null;
    }

    /// <summary>
    /// The answer of <c>GET /api/assets/{id}</c>: from <paramref name="cache"/> when it holds it, else
    /// from the document (<see cref="DocumentAsync"/>), and then kept for the next read unless a write
    /// on the asset raced with this one. The cache holds the answer whoever asked; who may see it is
    /// checked on every read.
    /// </summary>
    public static async Task<IResult> StatusAsync(AssetStatusCache cache, NpgsqlDataSource db, ISerializer serializer, Caller caller,
        Guid assetId, LocalDate today, CancellationToken ct)
    {
        if (!cache.TryGet(caller.Jurisdiction, assetId, today, out var entry))
        {
            var ticket = cache.Ticket(assetId);
            if (await DocumentAsync(db, serializer, caller.Jurisdiction, assetId, ct) is not { } asset)
                return Problems.NotFound($"No asset {assetId}.");
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(AssetResponse.From(asset, today), ApiJson.Options);
            entry = cache.Compose(body, asset.Version, asset.CaseAgencies, today);
            cache.Offer(caller.Jurisdiction, assetId, ticket, entry);
        }
        return caller.CanSee(entry.CaseAgencies) ? new JsonBytesResult(entry.Body, entry.Version) : Problems.NotFound($"No asset {assetId}.");
    }

    private const string ReadDocumentSql = $"select data from {MartenSetup.Schema}.mt_doc_asset where tenant_id = $1 and id = $2";

    /// <summary>The asset's current state, or null when there is none or the caller may not see it.</summary>
    public static async Task<Asset?> VisibleAsync(IQuerySession session, Caller caller, Guid assetId, CancellationToken ct) =>
        await session.LoadAsync<Asset>(assetId, ct) is { } asset && caller.CanSee(asset.CaseAgencies) ? asset : null;

    public static async Task<Outcome> CurrentAsync(IQuerySession session, Caller caller, Guid assetId, LocalDate today, CancellationToken ct)
    {
        var asset = await VisibleAsync(session, caller, assetId, ct);
        return asset is not null
            ? new Outcome.Done(AssetResponse.From(asset, today), asset.Version)
            : new Outcome.NotFound($"No asset {assetId}.");
    }

    /// <summary>The asset as it stood at an instant: the events recorded (by the server's clock) at or before it.</summary>
    public static async Task<Outcome> AsOfAsync(IQuerySession session, Caller caller, Guid assetId, Instant asOf, LocalDate today, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(assetId, token: ct);
        Asset? state = null;
        foreach (var e in events)
        {
            var at = Envelope.RecordedAtOf(e);
            if (at > asOf) break;
            state = Asset.Evolve(state, e.Data, e.Version, at);
        }
        return state is not null && caller.CanSee(state.CaseAgencies)
            ? new Outcome.Done(AssetResponse.From(state, today), state.Version)
            : new Outcome.NotFound($"No asset {assetId} at {asOf}.");
    }
}
