using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using Marten;
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
    public static async Task<Asset?> VisibleDocumentAsync(NpgsqlDataSource db, ISerializer serializer, Caller caller, Guid assetId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ReadDocumentSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = caller.Jurisdiction });
        cmd.Parameters.Add(new NpgsqlParameter { Value = assetId });
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) && serializer.FromJson<Asset>(reader, 0) is { } asset && caller.CanSee(asset.CaseAgencies) ? asset : null;
    }

    private const string ReadDocumentSql = $"select data from {MartenSetup.Schema}.mt_doc_asset where tenant_id = $1 and id = $2";

    /// <summary>The asset's current state, or null when there is none or the caller may not see it.</summary>
    public static async Task<Asset?> VisibleAsync(IQuerySession session, Caller caller, Guid assetId, CancellationToken ct) =>
        await session.LoadAsync<Asset>(assetId, ct) is { } asset && caller.CanSee(asset.CaseAgencies) ? asset : null;

    public static async Task<Outcome> CurrentAsync(IQuerySession session, Caller caller, Guid assetId, LocalDate today, CancellationToken ct) =>
        Current(await VisibleAsync(session, caller, assetId, ct), assetId, today);

    /// <summary>The answer for an asset's current state as read (null: none, or not visible to the caller).</summary>
    public static Outcome Current(Asset? visible, Guid assetId, LocalDate today) =>
        visible is not null
            ? new Outcome.Done(AssetResponse.From(visible, today), visible.Version)
            : new Outcome.NotFound($"No asset {assetId}.");

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
