using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Cases;

public sealed record AssetCounts(int Count, IReadOnlyDictionary<string, int> ByStatus);
public sealed record CaseTotals(IReadOnlyList<Money> Restrained, IReadOnlyList<Money> Confiscated, IReadOnlyList<Money> Realised);
public sealed record VictimClaimsSummary(int Count, IReadOnlyList<Money> Outstanding);

/// <summary>The case summary of api.md: the case's own fields plus totals computed from its assets at read time.</summary>
public sealed record CaseSummary(
    Guid CaseId, string Reference, string Title, string Jurisdiction, string LeadAgency,
    IReadOnlyList<string> ParticipatingAgencies, IReadOnlyList<Offence> Offences, CaseStatus Status,
    Instant OpenedAt, long Version, AssetCounts Assets, CaseTotals Totals, VictimClaimsSummary VictimClaims)
{
    private static readonly AssetStatus[] Restrained =
        [AssetStatus.Frozen, AssetStatus.Seized, AssetStatus.ConfiscationOrdered, AssetStatus.UnderAppeal];

    public static CaseSummary From(Case c, IReadOnlyCollection<Asset> assets) => new(
        c.Id, c.Reference, c.Title, c.Jurisdiction, c.LeadAgency, c.ParticipatingAgencies, c.Offences, c.Status,
        c.OpenedAt, c.Version,
        new AssetCounts(assets.Count, assets.GroupBy(a => a.Status.ToWire()).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count())),
        new CaseTotals(
            ValuationTotals(assets.Where(a => Restrained.Contains(a.Status))),
            ValuationTotals(assets.Where(a => a.Status == AssetStatus.Confiscated)),
            MoneyTotals.PerCurrency(assets.Where(a => a.Status == AssetStatus.Realised && a.Realisation is not null).Select(a => a.Realisation!.Kept))),
        new VictimClaimsSummary(c.VictimClaims.Count, MoneyTotals.PerCurrency(c.VictimClaims.Select(v => v.Outstanding))));

    private static IReadOnlyList<Money> ValuationTotals(IEnumerable<Asset> assets) =>
        MoneyTotals.PerCurrency(assets.Where(a => a.LatestValuation is not null).Select(a => a.LatestValuation!.Value));
}
