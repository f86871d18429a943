using System.Diagnostics;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Cases;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace AssetLedger.Api.Ops;

/// <summary>What one rebuild did.</summary>
public sealed record RebuildReport(long Events, IReadOnlyDictionary<string, int> Documents, TimeSpan Elapsed, TimeSpan Reading, TimeSpan Writing);

/// <summary>
/// Rebuilds every projected document from the events in one pass and one transaction.
/// <para>
/// Marten's <c>projections rebuild</c> starts its projection daemon, reads the event table once per
/// projection, and upserts documents one by one after emptying each table in a transaction of its own;
/// on this machine that cost about 1.2 s per projection before the first event and ran at 7–16 thousand
/// events/s (docs/benchmarks.md). This reads <c>mt_events</c> once in order, folds each stream with the
/// very functions the inline projections use (<see cref="AssetProjection.Fold"/> and the others), and
/// replaces the four document tables with <c>COPY</c>, all in one transaction that first blocks new
/// events (<c>LOCK … IN SHARE MODE</c>): readers see the old documents or the new ones, never a
/// half-built table, and no event can slip in between the read and the write.
/// </para>
/// The documents are serialised by the store's own serializer and carry the same columns the inline
/// projections write (tenant, id, data, .NET type, and as version the last event the projection read);
/// a test compares them with the inline documents column by column.
/// </summary>
public static class ProjectionRebuilder
{
    public static readonly string[] Tables = ["mt_doc_asset", "mt_doc_case", "mt_doc_courtorderledger", "mt_doc_casebalances"];

    public static async Task<RebuildReport> RebuildAsync(NpgsqlDataSource dataSource, IDocumentStore store, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var serializer = store.Options.Serializer();
        var schema = MartenSetup.Schema;
        var assets = new Folded<Asset>();
        var cases = new Folded<Case>();
        var orders = new Folded<CourtOrderLedger>();
        var balances = new Folded<CaseBalances>();
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        long events = 0;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockEvents = new NpgsqlCommand($"lock table {schema}.mt_events in share mode", conn, tx))
        {
            lockEvents.CommandTimeout = 0;
            await lockEvents.ExecuteNonQueryAsync(ct);
        }

        await using (var read = new NpgsqlCommand(
            $"select tenant_id, stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data from {schema}.mt_events order by seq_id", conn, tx))
        {
            read.CommandTimeout = 0;
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var tenant = reader.GetString(0);
                var streamId = reader.GetGuid(1);
                var version = reader.GetInt64(2);
                var dotnetType = reader.GetString(3);
                if (!types.TryGetValue(dotnetType, out var type))
                    types[dotnetType] = type = Type.GetType(dotnetType) ?? throw new InvalidOperationException($"Unknown event type {dotnetType} (stream {streamId} v{version}).");
                var data = serializer.FromJson(type, reader, 5);
                var key = (tenant, streamId);
                events++;

                if (data is IAssetEvent)
                {
                    var recordedAt = reader.IsDBNull(4) ? null : reader.GetString(4);
                    assets.Apply(key, version, s => AssetProjection.Fold(s, data, version, () => Envelope.ParseRecordedAt(recordedAt, streamId, version)));
                }
                if (data is ICaseEvent) cases.Apply(key, version, s => CaseProjection.Fold(s, data, version));
                if (data is IOrderEvent) orders.Apply(key, version, s => CourtOrderLedgerProjection.Fold(s, data, version));
                if (CaseBalancesProjection.Includes(data)) balances.Apply(key, version, s => CaseBalances.Evolve(s, streamId, data));
            }
        }

        var reading = clock.Elapsed;
        await using (var truncate = new NpgsqlCommand($"truncate table {string.Join(", ", Tables.Select(t => schema + "." + t))}", conn, tx))
            await truncate.ExecuteNonQueryAsync(ct);
        var documents = new Dictionary<string, int>
        {
            [Tables[0]] = await WriteAsync(conn, Tables[0], assets, serializer, ct),
            [Tables[1]] = await WriteAsync(conn, Tables[1], cases, serializer, ct),
            [Tables[2]] = await WriteAsync(conn, Tables[2], orders, serializer, ct),
            [Tables[3]] = await WriteAsync(conn, Tables[3], balances, serializer, ct),
        };
        await tx.CommitAsync(ct);
        return new RebuildReport(events, documents, clock.Elapsed, reading, clock.Elapsed - reading);
    }

    private static async Task<int> WriteAsync<T>(NpgsqlConnection conn, string table, Folded<T> folded, ISerializer serializer, CancellationToken ct) where T : class
    {
        var written = 0;
        await using var copy = await conn.BeginBinaryImportAsync(
            $"copy {MartenSetup.Schema}.{table} (tenant_id, id, data, mt_dotnet_type, mt_version) from stdin (format binary)", ct);
        foreach (var ((tenant, id), (doc, version)) in folded.Documents)
        {
            if (doc is null) continue;
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(tenant, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(serializer.ToJson(doc), NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(doc.GetType().FullName!, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            written++;
        }
        await copy.CompleteAsync(ct);
        return written;
    }

    /// <summary>One projection's documents by (tenant, stream), with the version of the last event it read.</summary>
    private sealed class Folded<T> where T : class
    {
        public Dictionary<(string Tenant, Guid Id), (T? Doc, long Version)> Documents { get; } = [];

        public void Apply((string, Guid) key, long version, Func<T?, T?> fold)
        {
            Documents.TryGetValue(key, out var current);
            Documents[key] = (fold(current.Doc), version);
        }
    }
}
