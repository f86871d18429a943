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
    private static readonly Dictionary<string, Type> ByStoredName = Read.ToDictionary(t => $"{t.FullName}, {t.Assembly.GetName().Name}", StringComparer.Ordinal);

    public static async Task<IReadOnlyList<RecordedEvent>> EventsAsync(NpgsqlDataSource dataSource, IDocumentStore store, string tenant, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        await using var cmd = dataSource.CreateCommand(
            $"select stream_id, version, mt_dotnet_type, {Envelope.RecordedAtHeaderSql}, data from {MartenSetup.Schema}.mt_events " +
            "where tenant_id = $1 and mt_dotnet_type = any($2) order by seq_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ByStoredName.Keys.ToArray() });
        cmd.CommandTimeout = 30;
        var events = new List<RecordedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var streamId = reader.GetGuid(0);
            var version = reader.GetInt64(1);
            var type = ByStoredName[reader.GetString(2)];
            var recordedAt = Envelope.ParseRecordedAt(reader.IsDBNull(3) ? null : reader.GetString(3), streamId, version);
            var data = serializer.FromJson(type, new MemoryStream(await reader.GetFieldValueAsync<byte[]>(4, ct), writable: false));
            events.Add(new RecordedEvent(streamId, version, recordedAt, data));
        }
        return events;
    }

    /// <summary>The report of the caller's jurisdiction over the cases the caller may see.</summary>
    public static async Task<StatisticsReport> ReportAsync(NpgsqlDataSource dataSource, IDocumentStore store, Caller caller, StatisticsPeriod period, CancellationToken ct) =>
        StatisticsFold.Compute(await EventsAsync(dataSource, store, caller.Jurisdiction, ct), period, caller.CanSee);
}
