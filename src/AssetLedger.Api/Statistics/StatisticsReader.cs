using AssetLedger.Statistics;
using Npgsql;

namespace AssetLedger.Api.Statistics;

/// <summary>
/// Reads the events the statistics are made of straight from the tenant's <c>mt_events</c> rows (as the
/// projection rebuilder does), deserialised with the store's own serializer, with the application's
/// recording instant from the <c>recordedAt</c> header, and folds them with <see cref="StatisticsFold"/>.
/// Cross-stream figures are computed on read, never from an async view that may lag.
/// </summary>
public static class StatisticsReader
{
    /// <summary>The event types a figure reads; the rest (custody, claims, cooperation) is left in the table.</summary>
    private static readonly Type[] Read =
    [
        typeof(CaseOpened), typeof(ParticipatingAgencyAdded), typeof(DistributionComputed),
        typeof(AssetRegistered), typeof(AssetFrozen), typeof(AssetSeized), typeof(AssetValued), typeof(ConfiscationOrdered),
        typeof(ConfiscationOrderFinal), typeof(AssetRealised),
        typeof(AssetLedger.Certificates.CertificateIssued), typeof(AssetLedger.Certificates.CertificateReceived),
        typeof(AssetLedger.Certificates.CertificateRecognised), typeof(AssetLedger.Certificates.CertificatePartlyRefused),
        typeof(AssetLedger.Certificates.CertificateRefused), typeof(AssetLedger.Certificates.CertificateExecuted),
    ];

    /// <summary>Marten's <c>mt_dotnet_type</c> of an event type: full name and assembly name.</summary>
    private static readonly Dictionary<string, Type> ByStoredName = Read.ToDictionary(MartenSetup.StoredTypeName, StringComparer.Ordinal);

    /// <summary>The case events that say who may see a case and what it is about: the first pass.</summary>
    private static readonly Type[] CaseFacts = [typeof(CaseOpened), typeof(ParticipatingAgencyAdded)];

    private sealed record Row(Guid StreamId, long Version, Type Type, string? RecordedAt, byte[] Data);

    /// <summary>
    /// The tenant's events of <paramref name="types"/>, one whole stream at a time in version order (the
    /// order of the (tenant, stream, version) key, so PostgreSQL sorts nothing), handed to
    /// <paramref name="stream"/> as each ends. Rows are read in chunks, each deserialised on every core,
    /// so that only a chunk and the stream in hand are held, never the jurisdiction's events.
    /// </summary>
    public static async Task StreamsAsync(NpgsqlDataSource dataSource, IDocumentStore store, string tenant, IReadOnlyList<Type> types,
        Action<IReadOnlyList<RecordedEvent>> stream, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var names = types.Select(MartenSetup.StoredTypeName).ToArray();
        await using var cmd = dataSource.CreateCommand(
            $"select stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data from {MartenSetup.Schema}.mt_events " +
            "where tenant_id = $1 and mt_dotnet_type = any($2) order by tenant_id, stream_id, version");
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = names });
        cmd.CommandTimeout = 30;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var current = new List<RecordedEvent>();
        var chunk = new List<Row>(4096);
        var decoded = new RecordedEvent[4096];
        while (true)
        {
            chunk.Clear();
            while (chunk.Count < 4096 && await reader.ReadAsync(ct))
                chunk.Add(new Row(reader.GetGuid(0), reader.GetInt64(1), ByStoredName[reader.GetString(2)], reader.IsDBNull(3) ? null : reader.GetString(3),
                    await reader.GetFieldValueAsync<byte[]>(4, ct)));
            if (chunk.Count == 0) break;
            Parallel.For(0, chunk.Count, new ParallelOptions { CancellationToken = ct }, i =>
            {
                var r = chunk[i];
                decoded[i] = new RecordedEvent(r.StreamId, r.Version, Envelope.ParseRecordedAt(r.RecordedAt, r.StreamId, r.Version),
                    serializer.FromJson(r.Type, new MemoryStream(r.Data, writable: false)));
            });
            for (var i = 0; i < chunk.Count; i++)
            {
                if (current.Count > 0 && current[0].StreamId != decoded[i].StreamId)
                {
                    stream(current);
                    current = [];
                }
                current.Add(decoded[i]);
            }
        }
        if (current.Count > 0) stream(current);
    }

    /// <summary>The report of the caller's jurisdiction over the cases the caller may see: two passes over the events (the cases, then every stream).</summary>
    public static async Task<StatisticsReport> ReportAsync(NpgsqlDataSource dataSource, IDocumentStore store, Caller caller, StatisticsPeriod period, CancellationToken ct)
    {
        var cases = new List<IReadOnlyList<RecordedEvent>>();
        await StreamsAsync(dataSource, store, caller.Jurisdiction, CaseFacts, cases.Add, ct);
        var accumulator = new StatisticsFold.Accumulator(period, caller.CanSee, cases);
        await StreamsAsync(dataSource, store, caller.Jurisdiction, Read, accumulator.Add, ct);
        return accumulator.Report();
    }
}
