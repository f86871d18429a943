using System.Globalization;
using System.Text;
using AssetLedger.Core.Money;
using AssetLedger.Statistics;
using NodaTime;

namespace AssetLedger.Api.Statistics;

/// <summary>A figure's value as the API writes it: distinct items, amounts per currency, and a mean as a string with one decimal.</summary>
public sealed record ValueResponse(int Count, IReadOnlyList<Money> Amounts, string? MeanDays)
{
    public static ValueResponse From(FigureValue v) => new(v.Count, v.Amounts, v.MeanDays?.ToString("F1", CultureInfo.InvariantCulture));
}

public sealed record GroupResponse(string Dimension, string Group, int Count, IReadOnlyList<Money> Amounts, string? MeanDays);

public sealed record FigureResponse(
    string Figure, string Unit, string LegalSource, string Definition, int Count, IReadOnlyList<Money> Amounts, string? MeanDays,
    IReadOnlyList<GroupResponse> Breakdown, string Sources);

/// <summary>
/// <c>GET /api/statistics</c>: the period, the asOf used, the jurisdiction's time zone, and every figure of
/// <see cref="Figures.All"/> in that order. Nothing in it depends on the clock but <see cref="AsOf"/>.
/// </summary>
public sealed record StatisticsResponse(string Jurisdiction, LocalDate From, LocalDate To, Instant AsOf, string TimeZone, IReadOnlyList<FigureResponse> Figures)
{
    public static StatisticsResponse Of(string jurisdiction, StatisticsReport report) => new(
        jurisdiction, report.Period.From, report.Period.To, report.Period.AsOf, report.Period.Zone.Id,
        report.Figures.Select(f =>
        {
            var total = ValueResponse.From(f.Total);
            return new FigureResponse(f.Definition.Id, Naming.SnakeCase(f.Definition.Unit.ToString()), f.Definition.LegalSource, f.Definition.Definition,
                total.Count, total.Amounts, total.MeanDays,
                f.Breakdown.Select(g => { var v = ValueResponse.From(g.Value); return new GroupResponse(g.Dimension, g.Group, v.Count, v.Amounts, v.MeanDays); }).ToList(),
                SourcesUrl(f.Definition.Id, report.Period));
        }).ToList());

    /// <summary>The drill-down of a figure with the same period and asOf.</summary>
    public static string SourcesUrl(string figure, StatisticsPeriod p) =>
        $"/api/statistics/figures/{figure}?from={p.From:yyyy-MM-dd}&to={p.To:yyyy-MM-dd}&asOf={Envelope.Format(p.AsOf)}";

    public const string CsvHeader = "figure,dimension,group,count,currency,amount,meanDays\n";

    /// <summary>One line per figure, group and currency (a figure without amounts: one line, currency and amount empty).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder(CsvHeader);
        foreach (var f in Figures)
        {
            Line(sb, f.Figure, "total", "", f.Count, f.Amounts, f.MeanDays);
            foreach (var g in f.Breakdown) Line(sb, f.Figure, g.Dimension, g.Group, g.Count, g.Amounts, g.MeanDays);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string figure, string dimension, string group, int count, IReadOnlyList<Money> amounts, string? mean)
    {
        var head = $"{figure},{dimension},{Csv.Cell(group)},{count.ToString(CultureInfo.InvariantCulture)},";
        if (amounts.Count == 0) sb.Append(head).Append(",,").Append(mean).Append('\n');
        foreach (var m in amounts) sb.Append(head).Append(m.Currency).Append(',').Append(m.FormatAmount()).Append(',').Append(mean).Append('\n');
    }
}
