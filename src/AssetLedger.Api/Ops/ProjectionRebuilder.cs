using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NodaTime;
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
/// events/s (docs/benchmarks.md). This reads <c>mt_events</c> once, stream by stream, folds each stream
/// with the very functions the inline projections use (<see cref="AssetProjection.Fold"/> and the
/// others), and replaces the six document tables with <c>COPY</c>, all in one transaction that first
/// blocks new events (<c>LOCK … IN SHARE MODE</c>) and empties the tables: readers of the documents
/// wait for the new ones rather than see a half-built table, and no event can slip in between the read
/// and the write.
/// </para>
/// <para>
/// Every document is the fold of its own stream's events, so a stream's documents are final as soon as
/// the read, in stream order, moves past it; they are written while the read goes on. The events come
/// on a second connection, in one statement whose snapshot is taken after the lock is granted (so it
/// sees every committed event, and no new one can commit). The asset documents, the largest table, are
/// copied on the writing connection as their streams end; the other tables' documents, serialised by
/// the folders meanwhile, are copied once the read is done (copying them in batches between the assets'
/// was slower: docs/benchmarks.md). No table's documents are all held in memory as objects.
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

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockEvents = new NpgsqlCommand($"lock table {schema}.mt_events in share mode", conn, tx))
        {
            lockEvents.CommandTimeout = 0;
            await lockEvents.ExecuteNonQueryAsync(ct);
        }
        await using (var truncate = new NpgsqlCommand($"truncate table {string.Join(", ", Tables.Select(t => schema + "." + t))}", conn, tx))
        {
            truncate.CommandTimeout = 0;
            await truncate.ExecuteNonQueryAsync(ct);
        }

        // Any part that fails cancels the others (a failed copy would leave the folders waiting for room
        // in its queue, a failed folder the reader); the first failure that is not a cancellation is thrown.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = failed.Token;
        var parts = new List<Task>();
        Task<T> Part<T>(Func<Task<T>> work)
        {
            var task = Task.Run(async () =>
            {
                try { return await work(); }
                catch { await failed.CancelAsync(); throw; }
            }, CancellationToken.None);
            parts.Add(task);
            return task;
        }

        var assetDocuments = Channel.CreateBounded<Written>(new BoundedChannelOptions(4096) { SingleReader = true });
        var eventJson = JsonOptionsOf(serializer);
        var folders = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => new Folder(serializer, eventJson, assetDocuments.Writer)).ToArray();
        var copyingAssets = Part(() => WriteAsync(conn, 0, assetDocuments.Reader.ReadAllAsync(token), token));
        var folding = folders.Select(f => Part(() => f.RunAsync(token))).ToArray();
        var reading = Part(() => ReadAsync(dataSource, folders, token));
        try
        {
            var events = await reading;
            await Task.WhenAll(folding);
            var readingTime = clock.Elapsed;
            assetDocuments.Writer.TryComplete();
            var documents = new Dictionary<string, int> { [Tables[0]] = await copyingAssets };
            for (var t = 1; t < Tables.Length; t++)
                documents[Tables[t]] = await WriteAsync(conn, t, folders.SelectMany(f => f.Held[t]).ToAsyncEnumerable(), token);
            await tx.CommitAsync(ct);
            return new RebuildReport(events, documents, clock.Elapsed, readingTime, clock.Elapsed - readingTime);
        }
        catch (Exception)
        {
            await failed.CancelAsync();
            assetDocuments.Writer.TryComplete();
            try { await Task.WhenAll(parts); }
            catch (Exception) { } // every part's outcome is looked at below
            var cause = parts.Select(p => p.Exception?.InnerException)
                .FirstOrDefault(e => e is not null and not OperationCanceledException and not ChannelClosedException);
            if (cause is not null) ExceptionDispatchInfo.Throw(cause);
            throw;
        }
    }

    /// <summary>
    /// The options of the store's own serializer (Marten's <c>Configure</c> hands over the instance it
    /// uses), so that an event is deserialised straight from the bytes read: the serializer's
    /// <c>FromJson</c> takes a stream, which it copies into a buffer of its own first.
    /// </summary>
    private static System.Text.Json.JsonSerializerOptions JsonOptionsOf(ISerializer serializer)
    {
        System.Text.Json.JsonSerializerOptions? options = null;
        (serializer as Marten.Services.SystemTextJsonSerializer ?? throw new InvalidOperationException("The store does not serialise with System.Text.Json."))
            .Configure(o => options = o);
        return options ?? throw new InvalidOperationException("The store's serializer handed over no options.");
    }

    /// <summary>
    /// Reads every event in stream order and hands it to its stream's folder: a stream always goes to
    /// the same folder, so its events are folded in order and whole, and the folders' documents never overlap.
    /// </summary>
    private static async Task<long> ReadAsync(NpgsqlDataSource dataSource, Folder[] folders, CancellationToken ct)
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        long events = 0;
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            // PostgreSQL compiles a query this costly (its jit_above_cost) before running it; for one
            // plain index scan that costs more than it saves (about 0.3 s of the read's 2.6–3.1 s at a
            // million events, docs/benchmarks.md). Off for this transaction only.
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var noJit = new NpgsqlCommand("set local jit = off", conn, tx))
                await noJit.ExecuteNonQueryAsync(ct);
            // (tenant_id, stream_id, version) is Marten's unique index on the events: read along it, no sort.
            await using var read = new NpgsqlCommand(
                $"select tenant_id, stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data, {Envelope.HashHeaderSql} from {MartenSetup.Schema}.mt_events order by tenant_id, stream_id, version", conn, tx);
            read.CommandTimeout = 0;
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var streamId = reader.GetGuid(1);
                var version = reader.GetInt64(2);
                var dotnetType = reader.GetString(3);
                if (!types.TryGetValue(dotnetType, out var type))
                    types[dotnetType] = type = Type.GetType(dotnetType) ?? throw new InvalidOperationException($"Unknown event type {dotnetType} (stream {streamId} v{version}).");
                var row = new Row(reader.GetString(0), streamId, version, type, reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<byte[]>(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6));
                await folders[(int)((uint)streamId.GetHashCode() % (uint)folders.Length)].AddAsync(row, ct);
                events++;
            }
            foreach (var f in folders) await f.FlushAsync(ct);
            return events;
        }
        finally
        {
            foreach (var f in folders) f.Complete();
        }
    }

    /// <summary>One event as read: deserialised and folded later, by its stream's folder.</summary>
    private sealed record Row(string Tenant, Guid StreamId, long Version, Type Type, string? RecordedAt, byte[] Data, string? ChainHash);

    /// <summary>One projected document, serialised (UTF-8 JSON), ready to copy.</summary>
    private sealed record Written(string Tenant, Guid Id, byte[] Json, string DotnetType, long Version);

    /// <summary>
    /// Deserialises and folds the events of the streams it is given, each stream's in order and whole,
    /// and emits a stream's documents when the next stream begins or the read ends.
    /// </summary>
    private sealed class Folder(ISerializer serializer, System.Text.Json.JsonSerializerOptions eventJson, ChannelWriter<Written> assetDocuments)
    {
        private const int ChunkSize = 256;
        private readonly Channel<List<Row>> queue =
            Channel.CreateBounded<List<Row>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        private List<Row> chunk = new(ChunkSize);
        private readonly ArrayBufferWriter<byte> json = new(4096);

        private (string Tenant, Guid Id)? current;
        private Slot<Asset> asset;
        private Slot<Case> @case;
        private Slot<CourtOrderLedger> orders;
        private Slot<CaseBalances> balances;
        private Slot<CaseListing> listing;
        private Slot<AssetLedger.Certificates.Certificate> certificate;

        /// <summary>The serialised documents of each table but the assets' (indexed as <see cref="Tables"/>), until the read is done.</summary>
        public List<Written>[] Held { get; } = Tables.Select(_ => new List<Written>()).ToArray();

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

        public async Task<int> RunAsync(CancellationToken ct)
        {
            try
            {
                await foreach (var rows in queue.Reader.ReadAllAsync(ct))
                    foreach (var row in rows)
                    {
                        if (current != (row.Tenant, row.StreamId))
                        {
                            await EmitAsync(ct);
                            current = (row.Tenant, row.StreamId);
                        }
                        Fold(row);
                    }
                await EmitAsync(ct);
                return 0;
            }
            catch (Exception ex)
            {
                queue.Writer.TryComplete(ex); // the reader stops instead of waiting for room forever
                throw;
            }
        }

        // The row being folded, for the recording time the asset and certificate folds ask for (lazily,
        // as the inline projections do): one delegate for the folder instead of closures for every event.
        private Row? folding;
        private Func<Instant>? recordedAt;

        private Instant RecordedAtOfRow() =>
            folding is { } row ? Envelope.ParseRecordedAt(row.RecordedAt, row.StreamId, row.Version) : throw new InvalidOperationException("No event is being folded.");

        private void Fold(Row row)
        {
            var data = System.Text.Json.JsonSerializer.Deserialize(row.Data, row.Type, eventJson)
                ?? throw new InvalidOperationException($"Event {row.StreamId} v{row.Version} is null.");
            var (streamId, version) = (row.StreamId, row.Version);
            folding = row;
            recordedAt ??= RecordedAtOfRow;
            if (data is IAssetEvent) asset.Set(version, AssetProjection.Fold(asset.Doc, data, version, recordedAt, row.ChainHash));
            if (data is ICaseEvent) @case.Set(version, CaseProjection.Fold(@case.Doc, data, version));
            if (data is IOrderEvent) orders.Set(version, CourtOrderLedgerProjection.Fold(orders.Doc, data, version));
            if (CaseBalancesProjection.Includes(data)) balances.Set(version, CaseBalances.Evolve(balances.Doc, streamId, data));
            if (CaseListing.Includes(data)) listing.Set(version, CaseListing.Evolve(listing.Doc, data, version));
            if (data is AssetLedger.Certificates.ICertificateEvent)
                certificate.Set(version, CertificateProjection.Fold(certificate.Doc, data, version, recordedAt));
            folding = null;
        }

        /// <summary>The finished stream's documents, serialised: the asset's to the copy, the others held (indices into <see cref="Tables"/>).</summary>
        private async ValueTask EmitAsync(CancellationToken ct)
        {
            if (current is not { } key) return;
            if (asset.Take(key, this) is { } a) await assetDocuments.WriteAsync(a, ct);
            Hold(1, @case.Take(key, this));
            Hold(2, orders.Take(key, this));
            Hold(3, balances.Take(key, this));
            Hold(4, listing.Take(key, this));
            Hold(5, certificate.Take(key, this));
        }

        /// <summary>
        /// The document as UTF-8 JSON, by the store's serializer (the same options as <c>ToJson</c>), written
        /// into one reused buffer: no UTF-16 string in between, and half the bytes to hold until the copy.
        /// </summary>
        public byte[] Serialise(object document)
        {
            json.ResetWrittenCount();
            serializer.WriteTo(json, document);
            return json.WrittenSpan.ToArray();
        }

        private void Hold(int table, Written? document)
        {
            if (document is not null) Held[table].Add(document);
        }
    }

    /// <summary>One projection's document of the stream being folded, with the version of the last event it read.</summary>
    private struct Slot<T> where T : class
    {
        private long version;

        public T? Doc { get; private set; }

        public void Set(long eventVersion, T? folded)
        {
            Doc = folded;
            version = eventVersion;
        }

        /// <summary>The document serialised (none if the projection read no event of the stream, or folded it to nothing), and the slot emptied.</summary>
        public Written? Take((string Tenant, Guid Id) key, Folder folder)
        {
            var written = Doc is null ? null : new Written(key.Tenant, key.Id, folder.Serialise(Doc), Doc.GetType().FullName!, version);
            this = default;
            return written;
        }
    }

    private static async Task<int> WriteAsync(NpgsqlConnection conn, int table, IAsyncEnumerable<Written> documents, CancellationToken ct)
    {
        var written = 0;
        // FREEZE: the table was emptied in this transaction, so its rows need no later freezing by vacuum.
        await using var copy = await conn.BeginBinaryImportAsync(
            $"copy {MartenSetup.Schema}.{Tables[table]} (tenant_id, id, data, mt_dotnet_type, mt_version) from stdin (format binary, freeze)", ct);
        await foreach (var d in documents.WithCancellation(ct))
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
}
