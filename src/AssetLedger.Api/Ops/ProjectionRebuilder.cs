using System.Diagnostics;
using System.Threading.Channels;
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
/// replaces the six document tables with <c>COPY</c>, all in one transaction that first blocks new
/// events (<c>LOCK … IN SHARE MODE</c>): readers see the old documents or the new ones, never a
/// half-built table, and no event can slip in between the read and the write.
/// </para>
/// The documents are serialised by the store's own serializer and carry the same columns the inline
/// projections write (tenant, id, data, .NET type, and as version the last event the projection read);
/// a test compares them with the inline documents column by column.
/// </summary>
public static class ProjectionRebuilder
{
    public static readonly string[] Tables = ["mt_doc_asset", "mt_doc_case", "mt_doc_courtorderledger", "mt_doc_casebalances", "mt_doc_caselisting", "mt_doc_certificate"];

    public static async Task<RebuildReport> RebuildAsync(NpgsqlDataSource dataSource, IDocumentStore store, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var serializer = store.Options.Serializer();
        var schema = MartenSetup.Schema;
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        long events = 0;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockEvents = new NpgsqlCommand($"lock table {schema}.mt_events in share mode", conn, tx))
        {
            lockEvents.CommandTimeout = 0;
            await lockEvents.ExecuteNonQueryAsync(ct);
        }

        // This thread only reads rows; deserialising and folding (most of the work) run on one
        // folder per core. A stream always goes to the same folder, so each stream's events are
        // folded in order, and the folders' documents never overlap.
        var folders = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => new Folder(serializer)).ToArray();
        var running = folders.Select(f => f.RunAsync(ct)).ToArray();
        try
        {
            await using var read = new NpgsqlCommand(
                $"select tenant_id, stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data, {Envelope.HashHeaderSql} from {schema}.mt_events order by seq_id", conn, tx);
            read.CommandTimeout = 0;
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var streamId = reader.GetGuid(1);
                var version = reader.GetInt64(2);
                var dotnetType = reader.GetString(3);
                if (!types.TryGetValue(dotnetType, out var type))
                    types[dotnetType] = type = Type.GetType(dotnetType) ?? throw new InvalidOperationException($"Unknown event type {dotnetType} (stream {streamId} v{version}).");
                var row = new Row(reader.GetString(0), streamId, version, type, reader.IsDBNull(4) ? null : reader.GetString(4), await reader.GetFieldValueAsync<byte[]>(5, ct),
                    reader.IsDBNull(6) ? null : reader.GetString(6));
                await folders[(int)((uint)streamId.GetHashCode() % (uint)folders.Length)].AddAsync(row, ct);
                events++;
            }
            foreach (var f in folders) await f.FlushAsync(ct);
        }
        catch (ChannelClosedException)
        {
            // A folder failed and closed its queue; its own exception is thrown below.
        }
        finally
        {
            foreach (var f in folders) f.Complete();
        }
        await Task.WhenAll(running);

        var reading = clock.Elapsed;
        // Each table's documents are serialised on a thread of their own and copied as they come, so the
        // copy (bound by PostgreSQL's core) and the serialisation (this process's) overlap.
        using var serialising = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Dictionary<string, int> documents;
        try
        {
            var assets = Serialise(folders.Select(f => f.Assets), serializer, serialising.Token);
            var cases = Serialise(folders.Select(f => f.Cases), serializer, serialising.Token);
            var orders = Serialise(folders.Select(f => f.Orders), serializer, serialising.Token);
            var balances = Serialise(folders.Select(f => f.Balances), serializer, serialising.Token);
            var listings = Serialise(folders.Select(f => f.Listings), serializer, serialising.Token);
            var certificates = Serialise(folders.Select(f => f.Certificates), serializer, serialising.Token);
            await using (var truncate = new NpgsqlCommand($"truncate table {string.Join(", ", Tables.Select(t => schema + "." + t))}", conn, tx))
                await truncate.ExecuteNonQueryAsync(ct);
            documents = new Dictionary<string, int>
            {
                [Tables[0]] = await WriteAsync(conn, Tables[0], assets, ct),
                [Tables[1]] = await WriteAsync(conn, Tables[1], cases, ct),
                [Tables[2]] = await WriteAsync(conn, Tables[2], orders, ct),
                [Tables[3]] = await WriteAsync(conn, Tables[3], balances, ct),
                [Tables[4]] = await WriteAsync(conn, Tables[4], listings, ct),
                [Tables[5]] = await WriteAsync(conn, Tables[5], certificates, ct),
            };
        }
        finally
        {
            serialising.Cancel(); // a failed copy leaves serialisers waiting for room: they stop
        }
        await tx.CommitAsync(ct);
        return new RebuildReport(events, documents, clock.Elapsed, reading, clock.Elapsed - reading);
    }

    /// <summary>One event as read: deserialised and folded later, by its stream's folder.</summary>
    private sealed record Row(string Tenant, Guid StreamId, long Version, Type Type, string? RecordedAt, byte[] Data, string? ChainHash);

    /// <summary>One projected document, serialised, ready to copy.</summary>
    private sealed record Written(string Tenant, Guid Id, string Json, string DotnetType, long Version);

    /// <summary>Deserialises and folds the events of the streams it is given, in the order given.</summary>
    private sealed class Folder(ISerializer serializer)
    {
        private const int ChunkSize = 256;
        private readonly Channel<List<Row>> queue =
            Channel.CreateBounded<List<Row>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        private List<Row> chunk = new(ChunkSize);

        public Folded<Asset> Assets { get; } = new();
        public Folded<Case> Cases { get; } = new();
        public Folded<CourtOrderLedger> Orders { get; } = new();
        public Folded<CaseBalances> Balances { get; } = new();
        public Folded<CaseListing> Listings { get; } = new();
        public Folded<AssetLedger.Certificates.Certificate> Certificates { get; } = new();

        public async ValueTask AddAsync(Row row, CancellationToken ct)
        {
            chunk.Add(row);
            if (chunk.Count < ChunkSize) return;
            await queue.Writer.WriteAsync(chunk, ct);
            chunk = new List<Row>(ChunkSize);
        }

        /// <summary>Hands over the last rows (waiting for room in the queue, like every other chunk).</summary>
        public async ValueTask FlushAsync(CancellationToken ct)
        {
            if (chunk.Count > 0) await queue.Writer.WriteAsync(chunk, ct);
            chunk = [];
        }

        /// <summary>No more rows: the folder finishes once those queued are folded.</summary>
        public void Complete() => queue.Writer.TryComplete();

        public Task RunAsync(CancellationToken ct) => Task.Run(async () =>
        {
            try
            {
                await foreach (var rows in queue.Reader.ReadAllAsync(ct))
                    foreach (var row in rows)
                        Fold(row);
            }
            catch (Exception ex)
            {
                queue.Writer.TryComplete(ex); // the reader stops instead of waiting for room forever
                throw;
            }
        }, ct);

        private void Fold(Row row)
        {
            var data = serializer.FromJson(row.Type, new MemoryStream(row.Data, writable: false));
            var key = (row.Tenant, row.StreamId);
            var (streamId, version) = (row.StreamId, row.Version);
            if (data is IAssetEvent)
                Assets.Apply(key, version, s => AssetProjection.Fold(s, data, version, () => Envelope.ParseRecordedAt(row.RecordedAt, streamId, version), row.ChainHash));
            if (data is ICaseEvent) Cases.Apply(key, version, s => CaseProjection.Fold(s, data, version));
            if (data is IOrderEvent) Orders.Apply(key, version, s => CourtOrderLedgerProjection.Fold(s, data, version));
            if (CaseBalancesProjection.Includes(data)) Balances.Apply(key, version, s => CaseBalances.Evolve(s, streamId, data));
            if (CaseListing.Includes(data)) Listings.Apply(key, version, s => CaseListing.Evolve(s, data, version));
            if (data is AssetLedger.Certificates.ICertificateEvent)
                Certificates.Apply(key, version, s => CertificateProjection.Fold(s, data, version, () => Envelope.ParseRecordedAt(row.RecordedAt, streamId, version)));
        }
    }

    private static ChannelReader<Written> Serialise<T>(IEnumerable<Folded<T>> parts, ISerializer serializer, CancellationToken ct) where T : class
    {
        var channel = Channel.CreateBounded<Written>(new BoundedChannelOptions(2048) { SingleReader = true, SingleWriter = true });
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var ((tenant, id), (doc, version)) in parts.SelectMany(p => p.Documents))
                    if (doc is not null)
                        await channel.Writer.WriteAsync(new Written(tenant, id, serializer.ToJson(doc), doc.GetType().FullName!, version), ct);
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex); // the copy fails with it
            }
        }, ct);
        return channel.Reader;
    }

    private static async Task<int> WriteAsync(NpgsqlConnection conn, string table, ChannelReader<Written> documents, CancellationToken ct)
    {
        var written = 0;
        await using var copy = await conn.BeginBinaryImportAsync(
            $"copy {MartenSetup.Schema}.{table} (tenant_id, id, data, mt_dotnet_type, mt_version) from stdin (format binary)", ct);
        await foreach (var d in documents.ReadAllAsync(ct))
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(d.Tenant, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(d.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(d.Json, NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(d.DotnetType, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(d.Version, NpgsqlDbType.Bigint, ct);
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
