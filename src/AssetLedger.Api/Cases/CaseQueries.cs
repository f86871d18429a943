using System.Text.Json;
using JasperFx.Events;
using Marten.Events;
using Marten.Linq;
using NodaTime;

namespace AssetLedger.Api.Cases;

public sealed record CaseList(IReadOnlyList<CaseSummary> Items, long Total);

public sealed record HistoryEntry(
    long Sequence, Guid StreamId, string StreamKind, long Version, string Type, Instant RecordedAt,
    Actor Actor, string? CommandId, string? CorrelationId, string? Hash, JsonElement Data);

public static class CaseQueries
{
    public static async Task<(Case?, IReadOnlyList<Asset>)> LoadAsync(IQuerySession session, Caller caller, Guid caseId, CancellationToken ct)
    {
        var c = await session.LoadAsync<Case>(caseId, ct);
        if (c is null || !caller.CanSee(c.Agencies)) return (null, []);
        var assets = await session.Query<Asset>().Where(a => a.CaseId == caseId).ToListAsync(ct);
        return (c, assets);
    }

    /// <summary>The case stream for writing, or null when there is no such case or the caller may not see it.</summary>
    public static async Task<IEventStream<Case>?> FetchVisibleForWritingAsync(IDocumentSession session, Caller caller, Guid caseId, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Case>(caseId, ct);
        return stream.Aggregate is { } c && caller.CanSee(c.Agencies) ? stream : null;
    }

    public static async Task<bool> VisibleAsync(IDocumentStore store, Caller caller, Guid caseId, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.Jurisdiction);
        return await session.LoadAsync<Case>(caseId, ct) is { } c && caller.CanSee(c.Agencies);
    }

    public static async Task<Outcome> SummaryAsync(IQuerySession session, Caller caller, Guid caseId, bool created, CancellationToken ct)
    {
        var (c, assets) = await LoadAsync(session, caller, caseId, ct);
        if (c is null) return new Outcome.NotFound($"No case {caseId}.");
        return created ? Opening.OpenCaseHandler.Created(c, assets.ToList()) : new Outcome.Done(CaseSummary.From(c, assets.ToList()), c.Version);
    }

    public static async Task<CaseList> ListAsync(IQuerySession session, Caller caller, CaseStatus? status, string? q, int page, int pageSize, CancellationToken ct)
    {
        IQueryable<CaseListing> query = session.Query<CaseListing>().Stats(out var stats);
        if (status is { } s) query = query.Where(c => c.Status == s);
        if (!string.IsNullOrEmpty(q))
        {
            var needle = q.ToLowerInvariant();
            query = query.Where(c => c.SearchText.Contains(needle));
        }
        if (!caller.SeesAllCasesOfJurisdiction)
        {
            // Agency codes never contain '|' (refused on input), so a claim that does matches nothing.
            if (caller.Agency.Contains('|') || caller.Agency.Length == 0) return new CaseList([], 0);
            var key = "|" + caller.Agency + "|";
            query = query.Where(c => c.AgencyKey.Contains(key));
        }
        var ids = await query.OrderByDescending(c => c.OpenedAtUnixMs).ThenBy(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Id).ToListAsync(ct);
        if (ids.Count == 0) return new CaseList([], stats.TotalResults);
        // The page's cases and their assets in one round trip.
        var idArray = ids.ToArray();
        var batch = session.CreateBatchQuery();
        var casesRead = batch.LoadMany<Case>().ById(idArray);
        var assetsRead = batch.Query<Asset>().Where(a => a.CaseId.IsOneOf(idArray)).ToList();
        await batch.Execute(ct);
        var loaded = (await casesRead).ToDictionary(c => c.Id);
        var cases = ids.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList();
        var assets = await assetsRead;
        var byCase = assets.ToLookup(a => a.CaseId);
        return new CaseList(cases.Select(c => CaseSummary.From(c, byCase[c.Id].ToList())).ToList(), stats.TotalResults);
    }

    /// <summary>The ids of every stream that belongs to a case: the case, its assets, their orders, and the certificates that name it.</summary>
    public static async Task<IReadOnlyList<Guid>?> StreamIdsAsync(IQuerySession session, Caller caller, Guid caseId, CancellationToken ct)
    {
        var (c, assets) = await LoadAsync(session, caller, caseId, ct);
        if (c is null) return null;
        // Our certificates only: on an executing ledger a certificate's caseId is the issuing ledger's case.
        var certificates = await session.Query<AssetLedger.Certificates.Certificate>()
            .Where(x => x.Role == AssetLedger.Certificates.CertificateRole.Issuing && x.Details.CaseId == caseId).Select(x => x.Id).ToListAsync(ct);
        return new[] { caseId }.Concat(c.AssetIds).Concat(assets.SelectMany(a => a.Orders.Select(o => o.Order.OrderId))).Concat(certificates).Distinct().ToList();
    }

    /// <summary>Every event of the case, its assets and its orders, in recording order, read from the event store.</summary>
    public static async Task<IReadOnlyList<HistoryEntry>?> CaseHistoryAsync(IQuerySession session, Caller caller, Guid caseId, CancellationToken ct)
    {
        if (await StreamIdsAsync(session, caller, caseId, ct) is not { } ids) return null;
        var idArray = ids.ToArray();
        var events = await session.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(idArray)).OrderBy(e => e.Sequence).ToListAsync(ct);
        return events.Select(ToEntry).ToList();
    }

    public static async Task<IReadOnlyList<HistoryEntry>?> AssetHistoryAsync(IQuerySession session, Caller caller, Guid assetId, CancellationToken ct)
    {
        var asset = await session.LoadAsync<Asset>(assetId, ct);
        if (asset is null || !caller.CanSee(asset.CaseAgencies)) return null;
        var events = await session.Events.FetchStreamAsync(assetId, token: ct);
        return events.Select(ToEntry).ToList();
    }

    public static HistoryEntry ToEntry(IEvent e) => new(
        e.Sequence, e.StreamId, StreamKind(e.Data), e.Version, e.EventTypeName, Envelope.RecordedAtOf(e),
        Envelope.ActorOf(e), Envelope.CommandIdOf(e), e.CorrelationId, Envelope.HashOf(e),
        JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), ApiJson.Options));

    private static string StreamKind(object data) => data switch
    {
        ICaseEvent => "case",
        IOrderEvent => "order",
        AssetLedger.Certificates.ICertificateEvent => "certificate",
        _ => "asset",
    };
}
