using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Certificates;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Statistics;

/// <summary>
/// One fact behind a figure: the event (stream and version) that made it count, the case and the asset
/// or certificate it concerns, the date that put it in the period, and what it adds: the counted
/// <see cref="Item"/> (a figure counts distinct items), an amount, or a number of days.
/// </summary>
public sealed record FigureSource(
    string Figure, Guid? CaseId, string? CaseReference, Guid? AssetId, Guid? CertificateId, Guid StreamId, long Version,
    LocalDate Date, string Item, Money? Amount, int? Days, AssetKind? AssetKind, IReadOnlyList<Offence> Offences, CertificateKind? CertificateKind)
{
    /// <summary>The groups this source counts in: its asset kind, each of its case's offences, its certificate kind.</summary>
    public IEnumerable<(string Dimension, string Group)> Groups()
    {
        if (AssetKind is { } k) yield return (Breakdowns.AssetKind, Naming.SnakeCase(k.ToString()));
        foreach (var o in Offences.Distinct()) yield return (Breakdowns.Offence, Naming.SnakeCase(o.ToString()));
        if (CertificateKind is { } c) yield return (Breakdowns.CertificateKind, Naming.SnakeCase(c.ToString()));
    }
}

public static class Breakdowns
{
    public const string AssetKind = "asset_kind", Offence = "offence", CertificateKind = "certificate_kind";
}

/// <summary>
/// A figure's value over some sources: <see cref="Count"/> distinct items, <see cref="Amounts"/> per currency
/// (sorted by code, never added across currencies) and, for a mean, <see cref="MeanDays"/>.
/// </summary>
public sealed record FigureValue(int Count, IReadOnlyList<Money> Amounts, decimal? MeanDays)
{
    public static FigureValue Of(FigureUnit unit, IReadOnlyCollection<FigureSource> sources) => new(
        sources.Select(s => s.Item).Distinct(StringComparer.Ordinal).Count(),
        MoneyTotals.PerCurrency(sources.Where(s => s.Amount is not null).Select(s => s.Amount!.Value)),
        unit == FigureUnit.MeanDays ? MeanOf(sources.Where(s => s.Days is not null).Select(s => s.Days!.Value).ToList()) : null);

    /// <summary>The mean, rounded half-up (away from zero) to one decimal; none without sources.</summary>
    public static decimal? MeanOf(IReadOnlyCollection<int> days) =>
        days.Count == 0 ? null : Rounding.HalfUp((decimal)days.Sum(d => (long)d) / days.Count, 1);
}

/// <summary>The figure of one group of a breakdown (an asset kind, an offence, a certificate kind).</summary>
public sealed record GroupValue(string Dimension, string Group, FigureValue Value);

public sealed record FigureResult(FigureDefinition Definition, FigureValue Total, IReadOnlyList<GroupValue> Breakdown, IReadOnlyList<FigureSource> Sources);

public sealed record StatisticsReport(StatisticsPeriod Period, IReadOnlyList<FigureResult> Figures)
{
    public FigureResult this[string figure] => Figures.Single(f => f.Definition.Id == figure);
}
