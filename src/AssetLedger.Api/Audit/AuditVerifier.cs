using Npgsql;

namespace AssetLedger.Api.Audit;

public sealed record BrokenLink(Guid StreamId, long Version, string Reason);

public sealed record VerificationReport(int StreamsChecked, long EventsChecked, IReadOnlyList<BrokenLink> Broken);

/// <summary>
/// Recomputes the hash chain of every stream of a jurisdiction from the raw event rows. A changed,
/// deleted, reordered or inserted row breaks the chain from that point; a stream whose recorded
/// head (mt_streams.version) is past its last event has lost its tail. Only the first break of a
/// stream is reported: everything after it is unverifiable.
/// </summary>
public sealed class AuditVerifier(NpgsqlDataSource dataSource)
{
    public async Task<VerificationReport> VerifyAsync(string tenant, IReadOnlyCollection<Guid>? streamIds, CancellationToken ct)
    {
        var heads = await StreamHeadsAsync(tenant, streamIds, ct);
        var recorded = await RecordedHeadsAsync(tenant, streamIds, ct);
        await using var cmd = dataSource.CreateCommand(
            $"select stream_id, version, type, data::text, headers->>'hash', " +
            "coalesce(headers->>'actorId',''), coalesce(headers->>'actorName',''), coalesce(headers->>'actorRole',''), " +
            "coalesce(headers->>'actorAgency',''), coalesce(headers->>'recordedAt',''), " +
            $"headers->>'{AuditChain.BasisHeader}', headers->>'{AuditChain.SourceFileHeader}', headers->>'{AuditChain.SourceRowHeader}' " +
            $"from {MartenSetup.Schema}.mt_events e where tenant_id = $1 and not {TombstoneRow}" + (streamIds is null ? "" : " and stream_id = any($2)") +
            " order by stream_id, version, seq_id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        if (streamIds is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = streamIds.ToArray() });

        var broken = new List<BrokenLink>();
        var seen = new HashSet<Guid>();
        long events = 0;
        Guid current = Guid.Empty;
        long expectedVersion = 0;
        var previous = AuditChain.Genesis;
        var failed = false;

        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var streamId = reader.GetGuid(0);
                if (streamId != current)
                {
                    CloseStream();
                    current = streamId;
                    seen.Add(streamId);
                    expectedVersion = 0;
                    previous = AuditChain.Genesis;
                    failed = false;
                }
                events++;
                if (failed) continue;
                var version = reader.GetInt64(1);
                expectedVersion++;
                if (version != expectedVersion)
                {
                    Fail(streamId, expectedVersion, version < expectedVersion ? "duplicate or reordered version" : "missing event");
                    continue;
                }
                var stored = reader.IsDBNull(4) ? null : reader.GetString(4);
                var content = new ChainedContent(tenant, streamId, version, reader.GetString(2), AuditChain.Canonical(reader.GetString(3)),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                    AuditChain.ProvenanceOf(Text(reader, 10), Text(reader, 11), Text(reader, 12)));
                var computed = AuditChain.Hash(previous, content);
                if (stored is null) { Fail(streamId, version, "hash missing"); continue; }
                if (!string.Equals(stored, computed, StringComparison.Ordinal)) { Fail(streamId, version, "hash mismatch"); continue; }
                previous = computed;
            }
            CloseStream();
        }

        var known = heads.Keys.Union(recorded.Keys).ToList();
        foreach (var id in known)
            if (!seen.Contains(id) && (heads.GetValueOrDefault(id) > 0 || recorded.GetValueOrDefault(id) > 0)) broken.Add(new BrokenLink(id, 1, "stream has no events"));

        return new VerificationReport(known.Union(seen).Count(), events, broken);

        void Fail(Guid id, long version, string reason)
        {
            broken.Add(new BrokenLink(id, version, reason));
            failed = true;
        }

        void CloseStream()
        {
            if (current == Guid.Empty || failed) return;
            if (heads.TryGetValue(current, out var head) && head > expectedVersion)
                broken.Add(new BrokenLink(current, expectedVersion + 1, "stream truncated: its recorded head is version " + head));
            else if (recorded.TryGetValue(current, out var kept) && kept > expectedVersion)
                broken.Add(new BrokenLink(current, expectedVersion + 1, "stream truncated: the ledger's chain head is version " + kept));
        }
    }

    /// <summary>
    /// Marten's tombstones (the events it writes when an append fails, to keep the sequence whole) are no
    /// event of the ledger: a row typed so, in a stream of its own whose recorded version stays 0. A row
    /// typed so in any other stream is verified like every other, so an UPDATE of an event's type to
    /// 'tombstone' breaks its chain instead of hiding the event.
    /// </summary>
    private static readonly string TombstoneRow =
        $"(e.type = 'tombstone' and exists (select 1 from {MartenSetup.Schema}.mt_streams ts where ts.id = e.stream_id and ts.tenant_id = e.tenant_id and ts.version = 0))";

    /// <summary>
    /// The heads the ledger keeps beside the events, in the same transaction as each append: a
    /// <see cref="ChainHead"/> document per stream that is not an asset's, the asset document's
    /// version where it carries its <c>chainHash</c>. A stream whose events end before that version
    /// lost its tail, even when <c>mt_streams</c> was lowered to match. Only a head beyond the events
    /// counts (one behind them cannot come from a cut).
    /// </summary>
    private Task<Dictionary<Guid, long>> RecordedHeadsAsync(string tenant, IReadOnlyCollection<Guid>? streamIds, CancellationToken ct)
    {
        var only = streamIds is null ? "" : " and id = any($2)";
        return HeadsAsync(
            $"select id, (data->>'version')::bigint from {MartenSetup.Schema}.mt_doc_chainhead where tenant_id = $1{only} " +
            $"union all select id, (data->>'version')::bigint from {MartenSetup.Schema}.mt_doc_asset where tenant_id = $1 and data ? 'chainHash'{only}",
            tenant, streamIds, ct);
    }

    /// <summary>The highest version per stream id that <paramref name="sql"/> (id, version; $1 the tenant, $2 the stream ids) returns.</summary>
    private async Task<Dictionary<Guid, long>> HeadsAsync(string sql, string tenant, IReadOnlyCollection<Guid>? streamIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenant });
        if (streamIds is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = streamIds.ToArray() });
        var heads = new Dictionary<Guid, long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (!reader.IsDBNull(1)) heads[reader.GetGuid(0)] = Math.Max(heads.GetValueOrDefault(reader.GetGuid(0)), reader.GetInt64(1));
        return heads;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private Task<Dictionary<Guid, long>> StreamHeadsAsync(string tenant, IReadOnlyCollection<Guid>? streamIds, CancellationToken ct) =>
        HeadsAsync($"select s.id, s.version from {MartenSetup.Schema}.mt_streams s where s.tenant_id = $1 and s.version > 0" + (streamIds is null ? "" : " and s.id = any($2)"),
            tenant, streamIds, ct);
}
