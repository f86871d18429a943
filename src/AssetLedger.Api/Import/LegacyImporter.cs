using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AssetLedger.Api.Audit;
using AssetLedger.Api.Cases.Opening;
using AssetLedger.Import;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace AssetLedger.Api.Import;

/// <summary>Who imports: the events' actor, with the role they import under.</summary>
public sealed record ImportActor(string Id, string Name, string Role, string Agency);

/// <summary>Where a long import is: rows planned and written so far, rows rejected, the rate.</summary>
public sealed record ImportProgress(int RowsDone, int Rows, int Rejected, double RowsPerSecond);

/// <summary>Progress reported on the importing thread, in order (<see cref="Progress{T}"/> would post each report to the thread pool).</summary>
public sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
{
    public void Report(ImportProgress value) => report(value);
}

/// <summary>
/// What one import did. <see cref="Imported"/> rows were written now, <see cref="AlreadyImported"/>
/// by an earlier run of the same file; <see cref="Rejected"/> says why each other row was not.
/// </summary>
public sealed record ImportReport(
    string Jurisdiction, string FileSha256, int Rows, int Imported, int AlreadyImported, IReadOnlyList<RowError> Rejected,
    int CasesCreated, long EventsWritten, double Seconds)
{
    /// <summary>Time spent reading the file, planning, serialising and hashing (beside the writes, on other threads).</summary>
    public double PrepareSeconds { get; init; }

    /// <summary>Time spent in the database's transactions (COPY and commit).</summary>
    public double WriteSeconds { get; init; }

    public const string CsvHeader = "row,field,reason";

    /// <summary>The rejected rows as CSV, one line per reason (a reason may quote the register's text: cells as every CSV of the service).</summary>
    public string RejectedCsv()
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in Rejected)
            sb.Append(r.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
              .Append(Csv.Cell(r.Field)).Append(',').Append(Csv.Cell(r.Reason)).Append('\n');
        return sb.ToString();
    }
}

/// <summary>
/// Imports a legacy register (docs/import.md). Each case of the file becomes the events the API would
/// have recorded (<see cref="LegacyImportPlanner"/>: the lifecycle decider decides every step), with
/// the importing user as actor, the basis <c>legacy_import</c>, the file's SHA-256 and the row number in
/// every event's envelope, and hash-chained like every other event (the provenance is in the hash).
/// <para>
/// The writes are PostgreSQL <c>COPY</c> into Marten's own tables (streams, events, and the documents
/// the inline projections would have written, folded by the same functions), one transaction per
/// batch of whole cases: a case is there with all its accepted assets, or not at all. Marten's own
/// <c>BulkInsertEventsAsync</c> commits in a transaction of its own, which would leave events without
/// their documents if the process stopped in between; so the import writes the same rows itself, in one
/// transaction with the documents (docs/import.md, "How it writes").
/// </para>
/// <para>
/// Ids are derived from the jurisdiction and the register's keys (<see cref="LegacyIds"/>), so a second
/// run of the same file finds its cases and appends nothing, and a run stopped halfway completes when
/// run again. A case reference already in the ledger (through the API, or another file) rejects that
/// case's rows: an import opens cases, it does not add to them.
/// </para>
/// </summary>
public sealed class LegacyImporter(NpgsqlDataSource dataSource, IDocumentStore store, IClock clock, JurisdictionCalendar calendar,
    Assets.AssetStatusCache statusCache)
{
    public const string Basis = "legacy_import";

    /// <summary>About this many assets are written per transaction.</summary>
    public int AssetsPerBatch { get; init; } = 1_000;

    private static readonly string Schema = MartenSetup.Schema;

    public static string Sha256Of(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file));

    public async Task<ImportReport> ImportAsync(string jurisdiction, byte[] file, ImportActor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var sha = Sha256Of(file);
        var zone = calendar.ZoneOf(jurisdiction);
        var read = LegacyCsv.Read(file, jurisdiction, zone);
        var preparing = started.Elapsed;
        var writing = TimeSpan.Zero;
        var rejected = new List<RowError>(read.Errors);
        var cases = read.Parsed.GroupBy(r => r.Case.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();

        var serializer = store.Options.Serializer();
        var batches = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        int done = read.Rows - read.Parsed.Count, imported = 0, already = 0, created = 0;
        long events = 0;

        // One task plans, serialises and hashes the next batch while this one writes the last: the
        // CPU's work and PostgreSQL's overlap. A failed write stops it (it would wait for room forever).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producing = Task.Run(async () =>
        {
            try
            {
                foreach (var chunk in Chunks(cases))
                {
                    var t = Stopwatch.GetTimestamp();
                    var prepared = await PrepareAsync(jurisdiction, zone, sha, actor, chunk, serializer, stop.Token);
                    preparing += Stopwatch.GetElapsedTime(t);
                    await batches.Writer.WriteAsync(prepared, stop.Token);
                }
                batches.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                // Handed to the writing loop, which throws it (or has stopped this task with an error of its own).
                batches.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                var t = Stopwatch.GetTimestamp();
                if (batch.Streams.Count > 0) await WriteAsync(jurisdiction, batch, ct);
                writing += Stopwatch.GetElapsedTime(t);
                rejected.AddRange(batch.Rejected);
                imported += batch.Imported;
                already += batch.AlreadyImported;
                created += batch.Cases;
                events += batch.Events;
                done += batch.Rows;
                progress?.Report(new ImportProgress(done, read.Rows, rejected.Count, done / Math.Max(started.Elapsed.TotalSeconds, 1e-3)));
            }
        }
        finally
        {
            stop.Cancel();
            await producing; // it never throws: its failure completes the queue
        }

        rejected.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : string.CompareOrdinal(a.Field, b.Field));
        return new ImportReport(jurisdiction, sha, read.Rows, imported, already, rejected, created, events, started.Elapsed.TotalSeconds)
        {
            PrepareSeconds = preparing.TotalSeconds, WriteSeconds = writing.TotalSeconds,
        };
    }

    private IEnumerable<List<List<LegacyRow>>> Chunks(List<List<LegacyRow>> cases)
    {
        var chunk = new List<List<LegacyRow>>();
        var assets = 0;
        foreach (var c in cases)
        {
            chunk.Add(c);
            assets += c.Count;
            if (assets < AssetsPerBatch) continue;
            yield return chunk;
            chunk = [];
            assets = 0;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>One stream ready to copy: its row in mt_streams and its events' rows.</summary>
    private sealed record StreamRows(Guid Id, string Type, long Version, IReadOnlyList<EventRow> Events);

    private sealed record EventRow(Guid Id, long Version, string Json, string Type, string DotnetType, string Headers, string CausationId, string CorrelationId, string UserName);

    /// <summary>A document as the inline projection (or the command) would have stored it.</summary>
    private sealed record DocumentRow(string Table, string Id, bool GuidId, string Json, string DotnetType, long? Version);

    private sealed record Prepared(
        IReadOnlyList<StreamRows> Streams, IReadOnlyList<DocumentRow> Documents, IReadOnlyList<RowError> Rejected,
        int Rows, int Imported, int AlreadyImported, int Cases, long Events);

    private async Task<Prepared> PrepareAsync(string jurisdiction, DateTimeZone zone, string sha, ImportActor actor,
        List<List<LegacyRow>> chunk, ISerializer serializer, CancellationToken ct)
    {
        var rows = chunk.Sum(c => c.Count);
        var caseIds = chunk.Select(c => LegacyIds.Case(jurisdiction, c[0].Case.Reference)).ToArray();
        var keys = chunk.Select(c => CaseReference.Key(c[0].Case.Reference)).ToArray();
        var (existing, taken) = await ExistingAsync(jurisdiction, caseIds, keys, ct);

        var rejected = new List<RowError>();
        var plans = new CasePlan?[chunk.Count];
        var alreadyImported = 0;
        var recordedAt = clock.GetCurrentInstant();
        for (var i = 0; i < chunk.Count; i++)
        {
            var rowsOfCase = chunk[i];
            if (existing.TryGetValue(caseIds[i], out var source) && source == sha)
            {
                // Imported by an earlier run of this file: planned again only to report the same rejections.
                var again = LegacyImportPlanner.Plan(jurisdiction, zone, rowsOfCase, rejected);
                alreadyImported += again?.Rows.Count ?? 0;
                continue;
            }
            if (existing.ContainsKey(caseIds[i]) || taken.Contains(keys[i]))
            {
                foreach (var r in rowsOfCase)
                    rejected.Add(new RowError(r.Number, LegacyRegister.CaseReference,
                        $"Case '{r.Case.Reference}' is already in the ledger (recorded through the API or imported from another file); an import opens cases, it does not add to them."));
                continue;
            }
            plans[i] = LegacyImportPlanner.Plan(jurisdiction, zone, rowsOfCase, rejected);
        }

        // Serialising and hashing are independent per case: spread over the cores.
        var streams = new List<StreamRows>[chunk.Count];
        var documents = new List<DocumentRow>[chunk.Count];
        // One core is left to PostgreSQL, which is copying the previous batch meanwhile.
        Parallel.For(0, chunk.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) }, i =>
        {
            streams[i] = [];
            documents[i] = [];
            if (plans[i] is { } plan) Render(jurisdiction, sha, actor, recordedAt, plan, serializer, streams[i], documents[i]);
        });
        var all = streams.SelectMany(s => s).ToList();
        return new Prepared(all, documents.SelectMany(d => d).ToList(), rejected, rows,
            plans.Sum(p => p?.Rows.Count ?? 0), alreadyImported, plans.Count(p => p is not null), all.Sum(s => (long)s.Events.Count));
    }

    /// <summary>The case streams that exist (with the file their first event was imported from, if any), and the references taken.</summary>
    private async Task<(Dictionary<Guid, string?> Existing, HashSet<string> Taken)> ExistingAsync(string tenant, Guid[] caseIds, string[] keys, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var existing = new Dictionary<Guid, string?>();
        await using (var cmd = new NpgsqlCommand(
            $"select s.id, e.headers ->> '{AuditChain.SourceFileHeader}' from {Schema}.mt_streams s " +
            $"left join {Schema}.mt_events e on e.tenant_id = s.tenant_id and e.stream_id = s.id and e.version = 1 " +
            "where s.tenant_id = $1 and s.id = any($2)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
            cmd.Parameters.Add(new NpgsqlParameter { Value = caseIds });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) existing[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand($"select id from {Schema}.mt_doc_casereference where tenant_id = $1 and id = any($2)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
            cmd.Parameters.Add(new NpgsqlParameter { Value = keys });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) taken.Add(reader.GetString(0));
        }
        return (existing, taken);
    }

    /// <summary>An event type's name in mt_events (snake_case, as Marten names it here) and its .NET type, worked out once per type.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, string DotnetType)> TypeNames = new();

    /// <summary>One case's streams as rows: each event's JSON, envelope and chain hash, and the documents its streams project to.</summary>
    private static void Render(string jurisdiction, string sha, ImportActor actor, Instant recordedAt, CasePlan plan, ISerializer serializer,
        List<StreamRows> streams, List<DocumentRow> documents)
    {
        var at = Envelope.Format(recordedAt);
        var correlation = "import-" + sha[..32];
        var envelopeTail = EnvelopeTail(actor, jurisdiction, at, sha);
        var rowIds = new Dictionary<int, (string Text, string CommandId)>();
        foreach (var stream in plan.Streams)
        {
            var previous = AuditChain.Genesis;
            var rows = new List<EventRow>(stream.Events.Count);
            Asset? asset = null;
            Case? @case = null;
            CaseListing? listing = null;
            long listingVersion = 0;
            CourtOrderLedger? order = null;
            long version = 0;
            foreach (var planned in stream.Events)
            {
                version++;
                var data = planned.Data;
                var (typeName, dotnetType) = TypeNames.GetOrAdd(data.GetType(), t => (Naming.SnakeCase(t.Name), MartenSetup.StoredTypeName(t)));
                var json = AuditChain.Canonical(serializer.ToJson(data));
                if (!rowIds.TryGetValue(planned.Row, out var source))
                    rowIds[planned.Row] = source = (planned.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), LegacyIds.Row(sha, planned.Row).ToString());
                previous = AuditChain.Hash(previous, new ChainedContent(jurisdiction, stream.Id, version, typeName, json,
                    actor.Id, actor.Name, actor.Role, actor.Agency, at, AuditChain.ProvenanceOf(Basis, sha, source.Text)));
                // The envelope as the executor writes it, with the import's provenance; only hash, command and row vary.
                var headers = string.Concat(HeadHeaders, previous, CommandHeaders, source.CommandId, RowHeaders, source.Text, "\",", envelopeTail);
                rows.Add(new EventRow(Guid.CreateVersion7(), version, json, typeName, dotnetType, headers, source.CommandId, correlation, actor.Id));

                var v = version;
                switch (stream.Kind)
                {
                    case PlannedStreamKind.Asset:
                        asset = AssetProjection.Fold(asset, data, v, () => recordedAt, previous);
                        break;
                    case PlannedStreamKind.Case:
                        @case = CaseProjection.Fold(@case, data, v);
                        if (CaseListing.Includes(data)) (listing, listingVersion) = (CaseListing.Evolve(listing, data, v), v);
                        break;
                    case PlannedStreamKind.Order:
                        order = CourtOrderLedgerProjection.Fold(order, data, v);
                        break;
                }
            }
            var streamType = stream.Kind switch
            {
                PlannedStreamKind.Asset => "asset",
                PlannedStreamKind.Case => "case",
                _ => "court_order_ledger",
            };
            streams.Add(new StreamRows(stream.Id, streamType, version, rows));

            var id = stream.Id.ToString();
            if (asset is not null) documents.Add(Projected("mt_doc_asset", id, asset, serializer, version));
            if (@case is not null) documents.Add(Projected("mt_doc_case", id, @case, serializer, version));
            if (listing is not null) documents.Add(Projected("mt_doc_caselisting", id, listing, serializer, listingVersion));
            if (order is not null) documents.Add(Projected("mt_doc_courtorderledger", id, order, serializer, version));
            // The chain head of a stream that is not an asset's (an asset's is in its document), as ChainStamper keeps it.
            if (stream.Kind is not PlannedStreamKind.Asset)
                documents.Add(Stored("mt_doc_chainhead", id, true, new ChainHead { Id = stream.Id, Version = version, Hash = previous }, serializer));
        }
        var key = CaseReference.Key(plan.Case.Reference);
        documents.Add(Stored("mt_doc_casereference", key, false, new CaseReference { Id = key, CaseId = plan.CaseId }, serializer));
    }

    // The start of an event's envelope, the fields that vary per event (none needs escaping: a hex hash, a UUID, a number).
    private static readonly string HeadHeaders = $"{{\"{AuditChain.HashHeader}\":\"",
        CommandHeaders = $"\",\"{Envelope.CommandIdHeader}\":\"", RowHeaders = $"\",\"{AuditChain.SourceRowHeader}\":\"";

    /// <summary>The envelope's fields that are the same for every event of an import, as the end of a JSON object.</summary>
    private static string EnvelopeTail(ImportActor actor, string jurisdiction, string recordedAt, string sha)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString(Envelope.ActorIdHeader, actor.Id);
            w.WriteString(Envelope.ActorNameHeader, actor.Name);
            w.WriteString(Envelope.ActorRoleHeader, actor.Role);
            w.WriteString(Envelope.ActorAgencyHeader, actor.Agency);
            w.WriteString(Envelope.JurisdictionHeader, jurisdiction);
            w.WriteString(Envelope.RecordedAtHeader, recordedAt);
            w.WriteString(AuditChain.BasisHeader, Basis);
            w.WriteString(AuditChain.SourceFileHeader, sha);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan)[1..];
    }

    private static DocumentRow Projected(string table, string id, object doc, ISerializer serializer, long version) =>
        new(table, id, true, serializer.ToJson(doc), doc.GetType().FullName!, version);

    private static DocumentRow Stored(string table, string id, bool guidId, object doc, ISerializer serializer) =>
        new(table, id, guidId, serializer.ToJson(doc), doc.GetType().FullName!, null);

    /// <summary>One batch in one transaction: past the status cache's write guard, streams, events (their sequence numbers drawn in the same transaction), documents.</summary>
    private async Task WriteAsync(string tenant, Prepared batch, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Assets.StatusCacheLease.GuardWriteAsync(statusCache, conn, ct);

        var count = (int)batch.Events;
        var sequence = new long[count];
        await using (var cmd = new NpgsqlCommand($"select nextval('{Schema}.mt_events_sequence') from generate_series(1, $1)", conn))
        {
            cmd.CommandTimeout = 0;
            cmd.Parameters.Add(new NpgsqlParameter { Value = count });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            for (var i = 0; await reader.ReadAsync(ct); i++) sequence[i] = reader.GetInt64(0);
        }
        var now = clock.GetCurrentInstant().ToDateTimeOffset();

        await using (var copy = await conn.BeginBinaryImportAsync(
            $"copy {Schema}.mt_streams (tenant_id, id, type, version, timestamp, created, is_archived) from stdin (format binary)", ct))
        {
            foreach (var s in batch.Streams)
            {
                await copy.StartRowAsync(ct);
                copy.Write(tenant, NpgsqlDbType.Varchar);
                copy.Write(s.Id, NpgsqlDbType.Uuid);
                copy.Write(s.Type, NpgsqlDbType.Varchar);
                copy.Write(s.Version, NpgsqlDbType.Bigint);
                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(false, NpgsqlDbType.Boolean);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var copy = await conn.BeginBinaryImportAsync(
            $"copy {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, correlation_id, causation_id, headers, user_name) from stdin (format binary)", ct))
        {
            var i = 0;
            foreach (var s in batch.Streams)
                foreach (var e in s.Events)
                {
                    await copy.StartRowAsync(ct);
                    copy.Write(sequence[i++], NpgsqlDbType.Bigint);
                    copy.Write(e.Id, NpgsqlDbType.Uuid);
                    copy.Write(s.Id, NpgsqlDbType.Uuid);
                    copy.Write(e.Version, NpgsqlDbType.Bigint);
                    copy.Write(e.Json, NpgsqlDbType.Jsonb);
                    copy.Write(e.Type, NpgsqlDbType.Varchar);
                    copy.Write(now, NpgsqlDbType.TimestampTz);
                    copy.Write(tenant, NpgsqlDbType.Varchar);
                    copy.Write(e.DotnetType, NpgsqlDbType.Varchar);
                    copy.Write(false, NpgsqlDbType.Boolean);
                    copy.Write(e.CorrelationId, NpgsqlDbType.Varchar);
                    copy.Write(e.CausationId, NpgsqlDbType.Varchar);
                    copy.Write(e.Headers, NpgsqlDbType.Jsonb);
                    copy.Write(e.UserName, NpgsqlDbType.Varchar);
                }
            await copy.CompleteAsync(ct);
        }

        foreach (var table in batch.Documents.GroupBy(d => d.Table))
        {
            var versioned = table.First().Version is not null;
            var columns = versioned ? "tenant_id, id, data, mt_dotnet_type, mt_version" : "tenant_id, id, data, mt_dotnet_type";
            await using var copy = await conn.BeginBinaryImportAsync($"copy {Schema}.{table.Key} ({columns}) from stdin (format binary)", ct);
            foreach (var d in table)
            {
                await copy.StartRowAsync(ct);
                copy.Write(tenant, NpgsqlDbType.Varchar);
                if (d.GuidId) copy.Write(Guid.Parse(d.Id), NpgsqlDbType.Uuid);
                else copy.Write(d.Id, NpgsqlDbType.Varchar);
                copy.Write(d.Json, NpgsqlDbType.Jsonb);
                copy.Write(d.DotnetType, NpgsqlDbType.Varchar);
                if (versioned) copy.Write(d.Version!.Value, NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(ct);
        }

        using (statusCache.BeginWrite(tenant, batch.Streams.Select(s => s.Id)))
            await tx.CommitAsync(ct);
    }
}
