using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace AssetLedger.Api.Ops;

/// <summary>
/// Sizes inside a rebuild: <paramref name="OthersBatch"/> documents of the tables other than the assets'
/// wait before they are copied; the rows' bytes are kept in blocks of <paramref name="BlockBytes"/>
/// (64 KiB: under the large-object heap's threshold).
/// </summary>
public sealed record RebuildTuning(int OthersBatch = 16_384, int BlockBytes = 64 * 1024);

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
/// sees every committed event, and no new one can commit). The folders hand the serialised documents to
/// the writing connection in chunks; it copies the asset documents, the largest table, into one
/// <c>COPY</c> as they come, and the other tables' whenever enough of them wait, between two stretches
/// of the assets' copy (all of them after the read, as before 2026-12-07, left one core waiting about a
/// second at a million events: docs/benchmarks.md). No table's documents are all held in memory.
/// </para>
/// The documents are serialised by the store's own serializer and carry the same columns the inline
/// projections write (tenant, id, data, .NET type, and as version the last event the projection read);
/// a test compares them with the inline documents column by column.
/// </summary>
public static class ProjectionRebuilder
{
    public static readonly string[] Tables = ["mt_doc_asset", "mt_doc_case", "mt_doc_courtorderledger", "mt_doc_casebalances", "mt_doc_caselisting", "mt_doc_certificate"];

    public static Task<RebuildReport> RebuildAsync(NpgsqlDataSource dataSource, IDocumentStore store, CancellationToken ct) =>
        RebuildAsync(dataSource, store, new RebuildTuning(), ct);

    /// <summary>The rebuild with other sizes of its batches and blocks (tests take small ones, so that every path runs on a small store).</summary>
    public static async Task<RebuildReport> RebuildAsync(NpgsqlDataSource dataSource, IDocumentStore store, RebuildTuning tuning, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tuning.OthersBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tuning.BlockBytes, 1);
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

        var documents = Channel.CreateBounded<List<Written>>(new BoundedChannelOptions(DocumentQueue / DocumentChunk) { SingleReader = true });
        var eventJson = JsonOptionsOf(serializer);
        var folders = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => new Folder(serializer, eventJson, documents.Writer)).ToArray();
        var writing = Part(() => WriteAsync(conn, documents.Reader, tuning.OthersBatch, token));
        var folding = folders.Select(f => Part(() => f.RunAsync(token))).ToArray();
        var reading = Part(() => ReadAsync(dataSource, folders, tuning.BlockBytes, token));
        try
        {
            var events = await reading;
            await Task.WhenAll(folding);
            var readingTime = clock.Elapsed;
            documents.Writer.TryComplete();
            var counts = await writing;
            await tx.CommitAsync(ct);
            var written = Tables.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => counts[x.i]);
            return new RebuildReport(events, written, clock.Elapsed, readingTime, clock.Elapsed - readingTime);
        }
        catch (Exception)
        {
            await failed.CancelAsync();
            documents.Writer.TryComplete();
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
    /// <para>
    /// The columns are read as the bytes that came (<c>GetBytes</c>: UTF-8 text, Npgsql's client encoding;
    /// the event's <c>jsonb</c> in its binary form), no UTF-16 string per row: the event's JSON, its
    /// recording time and chain hash are copied into shared blocks (<see cref="Bytes"/>), the tenant and
    /// the .NET type name are looked up by their bytes. At a million events that saved
    /// about a fifth of what the rebuild allocates (docs/benchmarks.md).
    /// </para>
    /// </summary>
    private static async Task<long> ReadAsync(NpgsqlDataSource dataSource, Folder[] folders, int blockBytes, CancellationToken ct)
    {
        var types = new Dictionary<byte[], Type>(Utf8Key.Comparer).GetAlternateLookup<ReadOnlySpan<byte>>();
        var tenants = new Dictionary<byte[], string>(Utf8Key.Comparer).GetAlternateLookup<ReadOnlySpan<byte>>();
        var block = new BlockWriter(blockBytes);
        var scratch = new byte[256];
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
                var typeName = Field(reader, 3, ref scratch);
                if (!types.TryGetValue(typeName, out var type))
                {
                    var name = System.Text.Encoding.UTF8.GetString(typeName);
                    types[typeName] = type = Type.GetType(name) ?? throw new InvalidOperationException($"Unknown event type {name} (stream {streamId} v{version}).");
                }
                var tenantName = Field(reader, 0, ref scratch);
                if (!tenants.TryGetValue(tenantName, out var tenant)) tenants[tenantName] = tenant = System.Text.Encoding.UTF8.GetString(tenantName);
                var row = new Row(tenant, streamId, version, type, block.Copy(reader, 4), block.CopyJsonb(reader, 5, streamId, version), block.Copy(reader, 6));
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

    /// <summary>A column read as bytes into <paramref name="scratch"/> (grown when too small), as a span of it.</summary>
    private static ReadOnlySpan<byte> Field(NpgsqlDataReader reader, int ordinal, ref byte[] scratch)
    {
        var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
        if (length > scratch.Length) scratch = new byte[Math.Max(length, 2 * scratch.Length)];
        return scratch.AsSpan(0, (int)reader.GetBytes(ordinal, 0, scratch, 0, length));
    }

    /// <summary>Bytes of a column, kept in a block shared by the rows read around it; <see cref="Missing"/> for SQL NULL.</summary>
    private readonly record struct Bytes(byte[]? Block, int Offset, int Length)
    {
        public bool Missing => Block is null;
        public ReadOnlySpan<byte> Span => Block is null ? default : Block.AsSpan(Offset, Length);
        public string? Text => Block is null ? null : System.Text.Encoding.UTF8.GetString(Block, Offset, Length);
    }

    /// <summary>
    /// Copies columns into blocks of <paramref name="blockBytes"/> bytes (<see cref="RebuildTuning.BlockBytes"/>),
    /// a new block whenever the current one is full: a block lives as long as a row that points into it.
    /// </summary>
    private sealed class BlockWriter(int blockBytes)
    {
        private byte[] block = new byte[blockBytes];
        private int used;

        public Bytes Copy(NpgsqlDataReader reader, int ordinal)
        {
            if (reader.IsDBNull(ordinal)) return default;
            var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
            if (used + length > block.Length)
            {
                block = new byte[Math.Max(blockBytes, length)];
                used = 0;
            }
            var copied = (int)reader.GetBytes(ordinal, 0, block, used, length);
            var bytes = new Bytes(block, used, copied);
            used += copied;
            return bytes;
        }

        /// <summary>
        /// A <c>jsonb</c> column's JSON text. It comes in <c>jsonb</c>'s binary form, a version byte (1)
        /// and the text; reading it as bytes takes that form as it is, so the version byte is checked
        /// and left out.
        /// </summary>
        public Bytes CopyJsonb(NpgsqlDataReader reader, int ordinal, Guid streamId, long version)
        {
            var raw = Copy(reader, ordinal);
            if (raw.Missing || raw.Length == 0 || raw.Block![raw.Offset] != JsonbVersion)
                throw new InvalidOperationException($"Event {streamId} v{version}: its data is not jsonb of version {JsonbVersion}.");
            return raw with { Offset = raw.Offset + 1, Length = raw.Length - 1 };
        }

        private const byte JsonbVersion = 1;
    }

    /// <summary>Byte arrays compared by content, and looked up by a span of bytes without an array.</summary>
    private sealed class Utf8Key : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Key Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }
    }

    /// <summary>One event as read: deserialised and folded later, by its stream's folder.</summary>
    private sealed record Row(string Tenant, Guid StreamId, long Version, Type Type, Bytes RecordedAt, Bytes Data, Bytes ChainHash);

    /// <summary>One projected document of <see cref="Tables"/>[Table], serialised (UTF-8 JSON), ready to copy.</summary>
    private sealed record Written(int Table, string Tenant, Guid Id, byte[] Json, string DotnetType, long Version);

    /// <summary>
    /// Deserialises and folds the events of the streams it is given, each stream's in order and whole,
    /// and emits a stream's documents when the next stream begins or the read ends.
    /// </summary>
    private sealed class Folder(ISerializer serializer, System.Text.Json.JsonSerializerOptions eventJson, ChannelWriter<List<Written>> documents)
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
                await SendOutgoingAsync(ct);
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

        // The chain hash of the last event the asset fold took (its document's chainHash).
        private Bytes assetHash;

        private Instant RecordedAtOfRow()
        {
            if (folding is not { } row) throw new InvalidOperationException("No event is being folded.");
            // The usual form straight from the bytes; anything else as the inline projections parse it.
            return IsoTime.TryParseInstant(row.RecordedAt.Span, out var at) ? at : Envelope.ParseRecordedAt(row.RecordedAt.Text, row.StreamId, row.Version);
        }

        private void Fold(Row row)
        {
            var data = System.Text.Json.JsonSerializer.Deserialize(row.Data.Span, row.Type, eventJson)
                ?? throw new InvalidOperationException($"Event {row.StreamId} v{row.Version} is null.");
            var (streamId, version) = (row.StreamId, row.Version);
            folding = row;
            recordedAt ??= RecordedAtOfRow;
            if (data is IAssetEvent)
            {
                // The chain hash goes into the document once, when it is written (AssetProjection.Fold sets it on every event).
                var folded = AssetProjection.FoldWithoutHash(asset.Doc, data, version, recordedAt);
                if (!ReferenceEquals(folded, asset.Doc)) assetHash = row.ChainHash;
                asset.Set(version, folded);
            }
            if (data is ICaseEvent) @case.Set(version, CaseProjection.Fold(@case.Doc, data, version));
            if (data is IOrderEvent) orders.Set(version, CourtOrderLedgerProjection.Fold(orders.Doc, data, version));
            if (CaseBalancesProjection.Includes(data)) balances.Set(version, CaseBalances.Evolve(balances.Doc, streamId, data));
            if (CaseListing.Includes(data)) listing.Set(version, CaseListing.Evolve(listing.Doc, data, version));
            if (data is AssetLedger.Certificates.ICertificateEvent)
                certificate.Set(version, CertificateProjection.Fold(certificate.Doc, data, version, recordedAt));
            folding = null;
        }

        /// <summary>The finished stream's documents, serialised, to the writer (table indices into <see cref="Tables"/>).</summary>
        private async ValueTask EmitAsync(CancellationToken ct)
        {
            if (current is not { } key) return;
            if (asset.Doc is { } folded) asset.Replace(folded with { ChainHash = assetHash.Text });
            assetHash = default;
            await SendAsync(asset.Take(0, key, this), ct);
            await SendAsync(@case.Take(1, key, this), ct);
            await SendAsync(orders.Take(2, key, this), ct);
            await SendAsync(balances.Take(3, key, this), ct);
            await SendAsync(listing.Take(4, key, this), ct);
            await SendAsync(certificate.Take(5, key, this), ct);
        }

        // Handed over in chunks, as the rows come: one wake-up of the writer per chunk, not per document.
        private List<Written> outgoing = new(DocumentChunk);

        private async ValueTask SendAsync(Written? document, CancellationToken ct)
        {
            if (document is null) return;
            outgoing.Add(document);
            if (outgoing.Count >= DocumentChunk) await SendOutgoingAsync(ct);
        }

        private async ValueTask SendOutgoingAsync(CancellationToken ct)
        {
            if (outgoing.Count == 0) return;
            await documents.WriteAsync(outgoing, ct);
            outgoing = new List<Written>(DocumentChunk);
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

        /// <summary>The same document amended, the version it read unchanged.</summary>
        public void Replace(T amended) => Doc = amended;

        /// <summary>The document serialised (none if the projection read no event of the stream, or folded it to nothing), and the slot emptied.</summary>
        public Written? Take(int table, (string Tenant, Guid Id) key, Folder folder)
        {
            var written = Doc is null ? null : new Written(table, key.Tenant, key.Id, folder.Serialise(Doc), Doc.GetType().FullName!, version);
            this = default;
            return written;
        }
    }

    /// <summary>Documents in flight between the folders and the writer (about 20 MB at most), in chunks of <see cref="DocumentChunk"/>.</summary>
    private const int DocumentQueue = 32_768, DocumentChunk = 64;

    /// <summary>
    /// Copies the documents as they come, on the transaction's connection, which runs one <c>COPY</c> at a
    /// time: the asset documents (most of the bytes) go into one <c>COPY</c> kept open; the other tables'
    /// wait in memory until <paramref name="othersBatch"/> of them are there, and are then copied table by table
    /// between two stretches of the assets' copy. So the other tables are mostly written while the read
    /// still goes on, instead of all after it, while one core would wait (docs/benchmarks.md).
    /// </summary>
    private static async Task<int[]> WriteAsync(NpgsqlConnection conn, ChannelReader<List<Written>> documents, int othersBatch, CancellationToken ct)
    {
        var counts = new int[Tables.Length];
        var waiting = Tables.Select(_ => new List<Written>()).ToArray();
        var waitingCount = 0;
        NpgsqlBinaryImporter? assets = null;
        try
        {
            await foreach (var chunk in documents.ReadAllAsync(ct))
            {
                foreach (var d in chunk)
                {
                    if (d.Table == 0)
                    {
                        assets ??= await BeginCopyAsync(conn, 0, ct);
                        await WriteRowAsync(assets, d, ct);
                        counts[0]++;
                        continue;
                    }
                    waiting[d.Table].Add(d);
                    if (++waitingCount >= othersBatch) await CopyWaitingAsync();
                }
            }
            await CopyWaitingAsync();
            return counts;
        }
        finally
        {
            if (assets is not null) await assets.DisposeAsync(); // not completed: the copy is cancelled
        }

        // The assets' copy is ended first: the connection runs one COPY at a time.
        async Task CopyWaitingAsync()
        {
            await EndCopyAsync(assets, ct);
            assets = null;
            for (var t = 1; t < Tables.Length; t++)
            {
                if (waiting[t].Count == 0) continue;
                await using var copy = await BeginCopyAsync(conn, t, ct);
                foreach (var d in waiting[t]) await WriteRowAsync(copy, d, ct);
                await copy.CompleteAsync(ct);
                counts[t] += waiting[t].Count;
                waiting[t].Clear();
            }
            waitingCount = 0;
        }
    }

    // FREEZE: the table was emptied in this transaction, so its rows need no later freezing by vacuum.
    private static Task<NpgsqlBinaryImporter> BeginCopyAsync(NpgsqlConnection conn, int table, CancellationToken ct) =>
        conn.BeginBinaryImportAsync(
            $"copy {MartenSetup.Schema}.{Tables[table]} (tenant_id, id, data, mt_dotnet_type, mt_version) from stdin (format binary, freeze)", ct);

    private static async Task EndCopyAsync(NpgsqlBinaryImporter? copy, CancellationToken ct)
    {
        if (copy is null) return;
        await copy.CompleteAsync(ct);
        await copy.DisposeAsync();
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, Written d, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(d.Tenant, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(d.Id, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(d.Json, NpgsqlDbType.Jsonb, ct);
        await copy.WriteAsync(d.DotnetType, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(d.Version, NpgsqlDbType.Bigint, ct);
    }
}
