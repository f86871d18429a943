using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Ops;

/// <summary>
/// Sizes inside a rebuild: <paramref name="OthersBatch"/> documents of the tables other than the assets'
/// wait before they are copied; the rows' bytes are kept in blocks of <paramref name="BlockBytes"/>
/// (64 KiB: under the large-object heap's threshold); at most <paramref name="OpenStreams"/> streams are
/// folded at once in the read in the order of the log, the others wait for the read in stream order
/// (see <see cref="ProjectionRebuilder"/>); the documents go to the writer as <c>COPY</c> rows in chunks
/// of <paramref name="CopyBytes"/> (a larger document gets a chunk of its own).
/// </summary>
public sealed record RebuildTuning(int OthersBatch = 8_192, int BlockBytes = 64 * 1024, int OpenStreams = 262_144, int CopyBytes = 64 * 1024);

/// <summary>What one rebuild did.</summary>
public sealed record RebuildReport(long Events, IReadOnlyDictionary<string, int> Documents, TimeSpan Elapsed, TimeSpan Reading, TimeSpan Writing);

/// <summary>
/// Rebuilds every projected document from the events in one pass and one transaction.
/// <para>
/// Marten's <c>projections rebuild</c> starts its projection daemon, reads the event table once per
/// projection, and upserts documents one by one after emptying each table in a transaction of its own;
/// on this machine that cost about 1.2 s per projection before the first event and ran at 7–16 thousand
/// events/s (docs/benchmarks.md). This reads <c>mt_events</c> once, in the order of the log, folds each
/// stream with the very functions the inline projections use (<see cref="AssetProjection.Fold"/> and the
/// others), and replaces the six document tables with <c>COPY</c>, all in one transaction that first
/// blocks new events (<c>LOCK … IN SHARE MODE</c>) and empties the tables: readers of the documents
/// wait for the new ones rather than see a half-built table, and no event can slip in between the read
/// and the write.
/// </para>
/// <para>
/// Every document is the fold of its own stream's events, so a stream's documents are final as soon as
/// its last event (the version <c>mt_streams</c> holds) is folded; they are written while the read goes
/// on. The events come on a second connection, in one snapshot taken after the lock is granted (so it
/// sees every committed event, and no new one can commit); at most <see cref="RebuildTuning.OpenStreams"/>
/// streams are open at once, the others are read afterwards, whole (see <see cref="ReadAsync"/>). The
/// folders hand the serialised documents to the writing connection in chunks; it copies the asset
/// documents, the largest table, into one <c>COPY</c> as they come, and the other tables' whenever
/// enough of them wait, between two stretches of the assets' copy (all of them after the read, as before
/// 2026-12-07, left one core waiting about a second at a million events: docs/benchmarks.md). No table's
/// documents are all held in memory.
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
        ArgumentOutOfRangeException.ThrowIfLessThan(tuning.OpenStreams, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(tuning.CopyBytes, 1);
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

        var chunks = new CopyChunks(tuning.CopyBytes);
        var documents = Channel.CreateBounded<CopyChunk>(new BoundedChannelOptions(Math.Max(1, DocumentQueueBytes / tuning.CopyBytes)) { SingleReader = true });
        var json = JsonOptionsOf(serializer);
        var folders = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => new Folder(json, documents.Writer, chunks)).ToArray();
        var writing = Part(() => WriteAsync(conn, documents.Reader, chunks, tuning.OthersBatch, token));
        var folding = folders.Select(f => Part(() => f.RunAsync(token))).ToArray();
        var reading = Part(() => ReadAsync(dataSource, folders, tuning, token));
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
    /// uses), so that an event is deserialised straight from the bytes read (the serializer's
    /// <c>FromJson</c> takes a stream, which it copies into a buffer of its own first) and a document
    /// serialised through one writer per folder (its <c>WriteTo</c> makes a new one every time).
    /// </summary>
    private static System.Text.Json.JsonSerializerOptions JsonOptionsOf(ISerializer serializer)
    {
        System.Text.Json.JsonSerializerOptions? options = null;
        (serializer as Marten.Services.SystemTextJsonSerializer ?? throw new InvalidOperationException("The store does not serialise with System.Text.Json."))
            .Configure(o => options = o);
        return options ?? throw new InvalidOperationException("The store's serializer handed over no options.");
    }

    /// <summary>
    /// Reads every event once and hands it to its stream's folder: a stream always goes to the same
    /// folder, so its events are folded in order, and the folders' documents never overlap.
    /// <para>
    /// The events are read in the order of the log (<c>seq_id</c>, the order the table was written in),
    /// which PostgreSQL reads in 2.6 s at a million events against 3.8–5.0 s along the stream index,
    /// whose rows lie all over the table (docs/benchmarks.md). A stream's documents are final once its
    /// last event is folded: the version <c>mt_streams</c> holds, read first in the same snapshot. A
    /// stream whose events are interleaved with others' stays open meanwhile; once
    /// <see cref="RebuildTuning.OpenStreams"/> are open, a stream that begins is left for a second read,
    /// in stream order, of only those streams. So memory holds at most that many streams' documents,
    /// however the events are interleaved.
    /// </para>
    /// <para>
    /// The columns are read as the bytes that came (<c>GetBytes</c>: UTF-8 text, Npgsql's client encoding;
    /// the event's <c>jsonb</c> in its binary form), no UTF-16 string per row: the event's JSON, its
    /// recording time and chain hash are copied into shared blocks (<see cref="Bytes"/>), the tenant and
    /// the .NET type name are looked up by their bytes. At a million events that saved
    /// about a fifth of what the rebuild allocates (docs/benchmarks.md).
    /// </para>
    /// </summary>
    private static async Task<long> ReadAsync(NpgsqlDataSource dataSource, Folder[] folders, RebuildTuning tuning, CancellationToken ct)
    {
        var rows = new RowReader(tuning.BlockBytes);
        long events = 0;
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            // One snapshot, taken by the first statement after the rebuild's lock was granted, for the
            // streams' versions and both reads of the events.
            await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            // PostgreSQL compiles a query this costly (its jit_above_cost) before running it; for one
            // plain index scan that costs more than it saves (about 0.3 s of the read's 2.6–3.1 s at a
            // million events, docs/benchmarks.md). Off for this transaction only.
            await using (var noJit = new NpgsqlCommand("set local jit = off", conn, tx))
                await noJit.ExecuteNonQueryAsync(ct);
            var lastVersions = await LastVersionsAsync(conn, tx, rows, ct);

            var open = new HashSet<StreamKey>();
            var later = new HashSet<StreamKey>();
            await using (var read = new NpgsqlCommand($"select {EventColumns} from {MartenSetup.Schema}.mt_events where {NotTombstone} order by seq_id", conn, tx))
            {
                read.CommandTimeout = 0;
                await using var reader = await read.ExecuteReaderAsync(ct);
                var previous = new StreamKey("", Guid.Empty);
                var (previousLater, previousLast) = (false, UnknownVersion);
                while (await reader.ReadAsync(ct))
                {
                    var key = new StreamKey(rows.Tenant(reader), reader.GetGuid(1));
                    var version = reader.GetInt64(2);
                    if (key != previous)
                    {
                        previous = key;
                        previousLater = later.Count > 0 && later.Contains(key);
                        previousLast = lastVersions.GetValueOrDefault(key, UnknownVersion);
                    }
                    if (previousLater) continue;
                    var recorded = previousLast < 0 ? ~previousLast : previousLast;
                    if (version > recorded) throw Beyond(key, version, recorded);
                    if (previousLast < 0)
                        throw new InvalidOperationException($"Event {key.Id} v{version} comes after its stream's last event, v{recorded}, in the log.");
                    var last = version == previousLast;
                    if (last)
                    {
                        // Written once this event is folded: any later event of the stream would be lost, so it is refused.
                        open.Remove(key);
                        lastVersions[key] = previousLast = ~previousLast;
                    }
                    else if (open.Add(key) && open.Count > tuning.OpenStreams)
                    {
                        // Too many streams open: this one, just begun, is read on its own later.
                        open.Remove(key);
                        later.Add(key);
                        previousLater = true;
                        continue;
                    }
                    await HandAsync(reader, key, version, last);
                }
            }

            if (later.Count > 0)
            {
                // The streams left over, each whole and in order, along Marten's unique index on the events.
                await using var read = new NpgsqlCommand(
                    $"select {EventColumns} from {MartenSetup.Schema}.mt_events where (tenant_id, stream_id) in (select * from unnest($1::varchar[], $2::uuid[])) order by tenant_id, stream_id, version", conn, tx)
                {
                    Parameters = { new() { Value = later.Select(k => k.Tenant).ToArray() }, new() { Value = later.Select(k => k.Id).ToArray() } },
                };
                read.CommandTimeout = 0;
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var key = new StreamKey(rows.Tenant(reader), reader.GetGuid(1));
                    var version = reader.GetInt64(2);
                    var lastVersion = lastVersions.GetValueOrDefault(key, UnknownVersion);
                    if (version > lastVersion) throw Beyond(key, version, lastVersion);
                    await HandAsync(reader, key, version, version == lastVersion);
                }
            }
            foreach (var f in folders) await f.FlushAsync(ct);
            return events;
        }
        finally
        {
            foreach (var f in folders) f.Complete();
        }

        // The row to its stream's folder (a stream always goes to the same one).
        ValueTask HandAsync(NpgsqlDataReader reader, StreamKey key, long version, bool last)
        {
            events++;
            return folders[(int)((uint)key.Id.GetHashCode() % (uint)folders.Length)].AddAsync(rows.Read(reader, key, version, last), ct);
        }
    }

    private static InvalidOperationException Beyond(StreamKey key, long version, long recorded) =>
        new($"Event {key.Id} v{version} is beyond its stream's version in mt_streams, v{recorded}.");

    /// <summary>The columns both reads of the events take, in the order <see cref="RowReader"/> reads them.</summary>
    private static readonly string EventColumns =
        $"tenant_id, stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data, {Envelope.HashHeaderSql}";

    /// <summary>
    /// Marten's tombstones (the events it writes into a stream of its own when an append failed, to keep
    /// the sequence whole) are no event of the ledger, and their stream's version in <c>mt_streams</c> stays
    /// 0; every reader of the log leaves them out (the audit chain's too). The second read takes only
    /// streams the first one saw, so none of them.
    /// </summary>
    private const string NotTombstone = "type <> 'tombstone'";

    /// <summary>
    /// A stream's version where <c>mt_streams</c> has none: its documents are written when the read ends.
    /// (A stream whose documents were written has its version's complement, below 0, in the first read.)
    /// </summary>
    private const long UnknownVersion = long.MaxValue;

    /// <summary>Every stream's version (its last event's), by tenant and stream.</summary>
    private static async Task<Dictionary<StreamKey, long>> LastVersionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RowReader rows, CancellationToken ct)
    {
        var versions = new Dictionary<StreamKey, long>();
        await using var read = new NpgsqlCommand($"select tenant_id, id, version from {MartenSetup.Schema}.mt_streams where version is not null", conn, tx);
        read.CommandTimeout = 0;
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            versions[new StreamKey(rows.Tenant(reader), reader.GetGuid(1))] = reader.GetInt64(2);
        return versions;
    }

    /// <summary>A stream: its tenant and id.</summary>
    private readonly record struct StreamKey(string Tenant, Guid Id);

    /// <summary>Reads the columns of <see cref="EventColumns"/> as bytes (see <see cref="ReadAsync"/>).</summary>
    private sealed class RowReader(int blockBytes)
    {
        private readonly Dictionary<byte[], Type>.AlternateLookup<ReadOnlySpan<byte>> types =
            new Dictionary<byte[], Type>(Utf8Key.Comparer).GetAlternateLookup<ReadOnlySpan<byte>>();
        private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> tenants =
            new Dictionary<byte[], string>(Utf8Key.Comparer).GetAlternateLookup<ReadOnlySpan<byte>>();
        private readonly BlockWriter block = new(blockBytes);
        private byte[] scratch = new byte[256];

        /// <summary>The tenant of the row (column 0), one string per tenant.</summary>
        public string Tenant(NpgsqlDataReader reader)
        {
            var name = Field(reader, 0);
            if (!tenants.TryGetValue(name, out var tenant)) tenants[name] = tenant = System.Text.Encoding.UTF8.GetString(name);
            return tenant;
        }

        /// <summary>The rest of the event's row, its bytes copied into the shared blocks.</summary>
        public Row Read(NpgsqlDataReader reader, StreamKey key, long version, bool last)
        {
            var typeName = Field(reader, 3);
            if (!types.TryGetValue(typeName, out var type))
            {
                var name = System.Text.Encoding.UTF8.GetString(typeName);
                types[typeName] = type = Type.GetType(name) ?? throw new InvalidOperationException($"Unknown event type {name} (stream {key.Id} v{version}).");
            }
            return new Row(key.Tenant, key.Id, version, type, block.Copy(reader, 4), block.CopyJsonb(reader, 5, key.Id, version), block.Copy(reader, 6), last);
        }

        /// <summary>A column read as bytes into the scratch buffer (grown when too small), as a span of it.</summary>
        private ReadOnlySpan<byte> Field(NpgsqlDataReader reader, int ordinal)
        {
            var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
            if (length > scratch.Length) scratch = new byte[Math.Max(length, 2 * scratch.Length)];
            return scratch.AsSpan(0, (int)reader.GetBytes(ordinal, 0, scratch, 0, length));
        }
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

    /// <summary>One event as read: deserialised and folded later, by its stream's folder; <paramref name="Last"/> when it is its stream's last.</summary>
    private sealed record Row(string Tenant, Guid StreamId, long Version, Type Type, Bytes RecordedAt, Bytes Data, Bytes ChainHash, bool Last);

    /// <summary>
    /// Deserialises and folds the events of the streams it is given, each stream's in order, and emits a
    /// stream's documents after its last event, or, for a stream whose last event it was not told, when
    /// the read ends.
    /// </summary>
    private sealed class Folder(System.Text.Json.JsonSerializerOptions options, ChannelWriter<CopyChunk> documents, CopyChunks chunks)
    {
        private const int ChunkSize = 256;
        private readonly Channel<List<Row>> queue =
            Channel.CreateBounded<List<Row>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        private List<Row> chunk = new(ChunkSize);
        private readonly ArrayBufferWriter<byte> json = new(4096);

        // The streams begun and not finished; the one the last row belonged to, without a lookup.
        private readonly Dictionary<StreamKey, StreamFold> open = new();
        private StreamKey currentKey;
        private StreamFold? current;

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
                        var key = new StreamKey(row.Tenant, row.StreamId);
                        if (current is null || key != currentKey)
                        {
                            if (!open.TryGetValue(key, out current)) open[key] = current = new StreamFold();
                            currentKey = key;
                        }
                        if (row.Version <= current.Version)
                            throw new InvalidOperationException($"Event {row.StreamId} v{row.Version} was read after v{current.Version} of its stream.");
                        Fold(current, row);
                        if (!row.Last) continue;
                        open.Remove(key);
                        await EmitAsync(key, current, ct);
                        current = null;
                    }
                foreach (var (key, stream) in open) await EmitAsync(key, stream, ct);
                open.Clear();
                for (var t = 0; t < filling.Length; t++) await SendAsync(t, ct);
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

        private Instant RecordedAtOfRow()
        {
            if (folding is not { } row) throw new InvalidOperationException("No event is being folded.");
            // The usual form straight from the bytes; anything else as the inline projections parse it.
            return IsoTime.TryParseInstant(row.RecordedAt.Span, out var at) ? at : Envelope.ParseRecordedAt(row.RecordedAt.Text, row.StreamId, row.Version);
        }

        private void Fold(StreamFold stream, Row row)
        {
            var data = System.Text.Json.JsonSerializer.Deserialize(row.Data.Span, row.Type, options)
                ?? throw new InvalidOperationException($"Event {row.StreamId} v{row.Version} is null.");
            var (streamId, version) = (row.StreamId, row.Version);
            stream.Version = version;
            folding = row;
            recordedAt ??= RecordedAtOfRow;
            if (data is IAssetEvent)
            {
                // The chain hash goes into the document once, when it is written (AssetProjection.Fold sets it on every event).
                var folded = AssetProjection.FoldWithoutHash(stream.Asset.Doc, data, version, recordedAt);
                if (!ReferenceEquals(folded, stream.Asset.Doc)) stream.KeepAssetHash(row.ChainHash);
                stream.Asset.Set(version, folded);
            }
            if (data is ICaseEvent) stream.Case.Set(version, CaseProjection.Fold(stream.Case.Doc, data, version));
            if (data is IOrderEvent) stream.Orders.Set(version, CourtOrderLedgerProjection.Fold(stream.Orders.Doc, data, version));
            if (CaseBalancesProjection.Includes(data)) stream.Balances.Set(version, CaseBalances.Evolve(stream.Balances.Doc, streamId, data));
            if (CaseListing.Includes(data)) stream.Listing.Set(version, CaseListing.Evolve(stream.Listing.Doc, data, version));
            if (data is AssetLedger.Certificates.ICertificateEvent)
                stream.Certificate.Set(version, CertificateProjection.Fold(stream.Certificate.Doc, data, version, recordedAt));
            folding = null;
        }

        /// <summary>The finished stream's documents, serialised, to the writer (table indices into <see cref="Tables"/>).</summary>
        private async ValueTask EmitAsync(StreamKey key, StreamFold stream, CancellationToken ct)
        {
            if (stream.Asset.Doc is { } folded) stream.Asset.Replace(folded with { ChainHash = stream.AssetHash });
            await AppendAsync(0, key, stream.Asset.Doc, stream.Asset.Version, ct);
            await AppendAsync(1, key, stream.Case.Doc, stream.Case.Version, ct);
            await AppendAsync(2, key, stream.Orders.Doc, stream.Orders.Version, ct);
            await AppendAsync(3, key, stream.Balances.Doc, stream.Balances.Version, ct);
            await AppendAsync(4, key, stream.Listing.Doc, stream.Listing.Version, ct);
            await AppendAsync(5, key, stream.Certificate.Doc, stream.Certificate.Version, ct);
        }

        // Each table's chunk being filled; handed over when full: one wake-up of the writer per chunk, not per document.
        private readonly CopyChunk?[] filling = new CopyChunk?[Tables.Length];
        private readonly Dictionary<string, byte[]> tenantBytes = new();
        private readonly Dictionary<Type, (byte[] Name, System.Text.Json.Serialization.Metadata.JsonTypeInfo Json)> documentTypes = new();
        private System.Text.Json.Utf8JsonWriter? writer;

        /// <summary>
        /// The document (none if the projection read no event of the stream, or folded it to nothing) as a
        /// row of its table's <c>COPY</c>: serialised with the store serializer's own options, as its
        /// <c>WriteTo</c> does but through one reused writer and the type's metadata looked up once, into one
        /// reused buffer, then copied into the table's chunk with the other columns.
        /// </summary>
        private async ValueTask AppendAsync(int table, StreamKey key, object? document, long version, CancellationToken ct)
        {
            if (document is null) return;
            var type = document.GetType();
            if (!documentTypes.TryGetValue(type, out var documentType))
                documentTypes[type] = documentType = (System.Text.Encoding.UTF8.GetBytes(type.FullName!), options.GetTypeInfo(type));
            json.ResetWrittenCount();
            if (writer is null) writer = new System.Text.Json.Utf8JsonWriter(json);
            else writer.Reset(json);
            System.Text.Json.JsonSerializer.Serialize(writer, document, documentType.Json);
            writer.Flush();
            if (!tenantBytes.TryGetValue(key.Tenant, out var tenant)) tenantBytes[key.Tenant] = tenant = System.Text.Encoding.UTF8.GetBytes(key.Tenant);
            var typeName = documentType.Name;
            var size = CopyChunk.RowSize(tenant.Length, json.WrittenCount, typeName.Length);
            if (filling[table] is { } full && full.Room < size) await SendAsync(table, ct);
            (filling[table] ??= chunks.Take(table, size)).Append(tenant, key.Id, json.WrittenSpan, typeName, version);
        }

        private async ValueTask SendAsync(int table, CancellationToken ct)
        {
            if (filling[table] is not { } chunk) return;
            filling[table] = null;
            await documents.WriteAsync(chunk, ct);
        }
    }

    /// <summary>
    /// A stream being folded: the last version read, each projection's document, and the chain hash of the
    /// last event the asset fold took (its document's <c>chainHash</c>), copied out of the rows' blocks so
    /// that a stream open for long holds no block.
    /// </summary>
    private sealed class StreamFold
    {
        public long Version;
        public Slot<Asset> Asset;
        public Slot<Case> Case;
        public Slot<CourtOrderLedger> Orders;
        public Slot<CaseBalances> Balances;
        public Slot<CaseListing> Listing;
        public Slot<AssetLedger.Certificates.Certificate> Certificate;
        private byte[]? assetHash;
        private int assetHashLength = -1;

        public void KeepAssetHash(Bytes hash)
        {
            if (hash.Missing) { assetHashLength = -1; return; }
            if (assetHash is null || assetHash.Length < hash.Length) assetHash = new byte[hash.Length];
            hash.Span.CopyTo(assetHash);
            assetHashLength = hash.Length;
        }

        public string? AssetHash => assetHashLength < 0 ? null : System.Text.Encoding.UTF8.GetString(assetHash!, 0, assetHashLength);
    }

    /// <summary>One projection's document of the stream being folded, with the version of the last event it read.</summary>
    private struct Slot<T> where T : class
    {
        public T? Doc { get; private set; }

        public long Version { get; private set; }

        public void Set(long eventVersion, T? folded)
        {
            Doc = folded;
            Version = eventVersion;
        }

        /// <summary>The same document amended, the version it read unchanged.</summary>
        public void Replace(T amended) => Doc = amended;
    }

    /// <summary>
    /// Bytes of <c>COPY</c> rows in flight between the folders and the writer (4 MiB, about 6,000 documents,
    /// at most): what is still queued when the read ends is written after it, while one core waits
    /// (16 MiB and batches of 16,384 other documents left 0.54–0.57 s after the read, 4 MiB and 8,192
    /// 0.29–0.33 s: docs/benchmarks.md).
    /// </summary>
    private const int DocumentQueueBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Rows of one table in PostgreSQL's binary <c>COPY</c> format (the columns of <see cref="CopyColumns"/>),
    /// filled by a folder and written as they are by the writer: no object per document, no array per
    /// document's JSON, and none of Npgsql's work per column.
    /// </summary>
    private sealed class CopyChunk(int table, byte[] buffer)
    {
        public int Table { get; } = table;
        public byte[] Buffer { get; } = buffer;
        public int Length { get; private set; }
        public int Rows { get; private set; }
        public int Room => Buffer.Length - Length;

        /// <summary>The bytes of a row: its field count, and each field's length and bytes (<c>jsonb</c> with its version byte).</summary>
        public static int RowSize(int tenant, int json, int typeName) => 2 + (4 + tenant) + (4 + 16) + (4 + 1 + json) + (4 + typeName) + (4 + 8);

        public void Append(ReadOnlySpan<byte> tenant, Guid id, ReadOnlySpan<byte> json, ReadOnlySpan<byte> typeName, long version)
        {
            var row = Buffer.AsSpan(Length, RowSize(tenant.Length, json.Length, typeName.Length));
            BinaryPrimitives.WriteInt16BigEndian(row, 5);
            var at = 2;
            at += Field(row[at..], tenant);
            BinaryPrimitives.WriteInt32BigEndian(row[at..], 16);
            if (!id.TryWriteBytes(row[(at + 4)..], bigEndian: true, out var written) || written != 16)
                throw new InvalidOperationException("A uuid takes 16 bytes.");
            at += 4 + 16;
            BinaryPrimitives.WriteInt32BigEndian(row[at..], 1 + json.Length);
            row[at + 4] = JsonbVersion;
            json.CopyTo(row[(at + 5)..]);
            at += 5 + json.Length;
            at += Field(row[at..], typeName);
            BinaryPrimitives.WriteInt32BigEndian(row[at..], 8);
            BinaryPrimitives.WriteInt64BigEndian(row[(at + 4)..], version);
            Length += row.Length;
            Rows++;
        }

        private static int Field(Span<byte> to, ReadOnlySpan<byte> value)
        {
            BinaryPrimitives.WriteInt32BigEndian(to, value.Length);
            value.CopyTo(to[4..]);
            return 4 + value.Length;
        }
    }

    /// <summary>The chunks' buffers, used again once written (a document larger than a chunk gets a buffer of its own, not kept).</summary>
    private sealed class CopyChunks(int bytes)
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> free = new();

        public CopyChunk Take(int table, int rowSize) =>
            new(table, rowSize > bytes ? new byte[rowSize] : free.TryDequeue(out var buffer) ? buffer : new byte[bytes]);

        public void Return(CopyChunk chunk)
        {
            if (chunk.Buffer.Length == bytes) free.Enqueue(chunk.Buffer);
        }
    }

    /// <summary>The version byte that begins a <c>jsonb</c> value in the binary format.</summary>
    private const byte JsonbVersion = 1;

    /// <summary>
    /// Copies the documents as they come, on the transaction's connection, which runs one <c>COPY</c> at a
    /// time: the asset documents (most of the bytes) go into one <c>COPY</c> kept open; the other tables'
    /// wait in memory until <paramref name="othersBatch"/> of them are there, and are then copied table by table
    /// between two stretches of the assets' copy. So the other tables are mostly written while the read
    /// still goes on, instead of all after it, while one core would wait (docs/benchmarks.md).
    /// </summary>
    private static async Task<int[]> WriteAsync(NpgsqlConnection conn, ChannelReader<CopyChunk> documents, CopyChunks chunks, int othersBatch, CancellationToken ct)
    {
        var counts = new int[Tables.Length];
        var waiting = Tables.Select(_ => new List<CopyChunk>()).ToArray();
        var waitingCount = 0;
        NpgsqlRawCopyStream? assets = null;
        try
        {
            await foreach (var chunk in documents.ReadAllAsync(ct))
            {
                if (chunk.Table == 0)
                {
                    assets ??= await BeginCopyAsync(conn, 0, ct);
                    await WriteChunkAsync(assets, chunk);
                    continue;
                }
                waiting[chunk.Table].Add(chunk);
                waitingCount += chunk.Rows;
                if (waitingCount >= othersBatch) await CopyWaitingAsync();
            }
            await CopyWaitingAsync();
            return counts;
        }
        finally
        {
            if (assets is not null) await CancelCopyAsync(assets); // not ended: nothing of it is kept
        }

        // The assets' copy is ended first: the connection runs one COPY at a time.
        async Task CopyWaitingAsync()
        {
            var ending = assets;
            assets = null;
            if (ending is not null) await EndCopyAsync(ending, ct);
            for (var t = 1; t < Tables.Length; t++)
            {
                if (waiting[t].Count == 0) continue;
                var copy = await BeginCopyAsync(conn, t, ct);
                try
                {
                    foreach (var chunk in waiting[t]) await WriteChunkAsync(copy, chunk);
                }
                catch
                {
                    await CancelCopyAsync(copy);
                    throw;
                }
                await EndCopyAsync(copy, ct);
                waiting[t].Clear();
            }
            waitingCount = 0;
        }

        // Once written the bytes are Npgsql's (in its buffer, or sent): the chunk's buffer is free again.
        // The counts are reported only if every copy ends well.
        async Task WriteChunkAsync(NpgsqlRawCopyStream copy, CopyChunk chunk)
        {
            await copy.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), ct);
            counts[chunk.Table] += chunk.Rows;
            chunks.Return(chunk);
        }
    }

    /// <summary>The columns every document table is copied into, in the order of <see cref="CopyChunk.Append"/>.</summary>
    private const string CopyColumns = "tenant_id, id, data, mt_dotnet_type, mt_version";

    // What begins and ends a binary COPY: the signature, no flags, no header extension; a field count of -1.
    private static readonly byte[] CopyHeader = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] CopyTrailer = [0xff, 0xff];

    // FREEZE: the table was emptied in this transaction, so its rows need no later freezing by vacuum.
    private static async Task<NpgsqlRawCopyStream> BeginCopyAsync(NpgsqlConnection conn, int table, CancellationToken ct)
    {
        var copy = await conn.BeginRawBinaryCopyAsync($"copy {MartenSetup.Schema}.{Tables[table]} ({CopyColumns}) from stdin (format binary, freeze)", ct);
        await copy.WriteAsync(CopyHeader, ct);
        return copy;
    }

    /// <summary>Ends the copy; PostgreSQL's refusal of any of its rows (a constraint, a trigger) is thrown here.</summary>
    private static async Task EndCopyAsync(NpgsqlRawCopyStream copy, CancellationToken ct)
    {
        await copy.WriteAsync(CopyTrailer, ct);
        await copy.DisposeAsync();
    }

    /// <summary>
    /// Abandons a copy (its rows are discarded; PostgreSQL's own error, when it refused a row, is thrown).
    /// A write that failed on the connection has ended the copy already, and then there is nothing to cancel.
    /// </summary>
    private static async Task CancelCopyAsync(NpgsqlRawCopyStream copy)
    {
        try { await copy.CancelAsync(); }
        catch (ObjectDisposedException) { }
    }
}
