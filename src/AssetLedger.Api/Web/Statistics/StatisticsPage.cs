using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using AssetLedger.Api.Statistics;
using AssetLedger.Statistics;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Web.Statistics;

/// <summary>
/// What the two statistics pages share: the period form (from, to, asOf; by default this calendar year as of
/// now), parsed exactly as the API parses it, and the report read exactly as the API reads it.
/// </summary>
public abstract class StatisticsPage(NpgsqlDataSource dataSource, IDocumentStore store, JurisdictionCalendar calendar, IClock clock) : WebPage
{
    public const string Route = "GET /api/statistics";

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? AsOf { get; set; }

    public StatisticsPeriod? Period { get; private set; }
    public StatisticsReport? Report { get; private set; }

    /// <summary>The query string of this period (asOf pinned, so every link and the CSV show the same figures).</summary>
    public string Query => Period is { } p ? $"from={p.From:yyyy-MM-dd}&to={p.To:yyyy-MM-dd}&asOf={Uri.EscapeDataString(Envelope.Format(p.AsOf))}" : "";

    protected async Task<IActionResult?> LoadAsync(string route, CancellationToken ct)
    {
        if (RefuseWithout(route) is { } refusal) return refusal;
        var today = calendar.Today(Caller.Jurisdiction);
        From = string.IsNullOrEmpty(From) ? new LocalDate(today.Year, 1, 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : From;
        To = string.IsNullOrEmpty(To) ? new LocalDate(today.Year, 12, 31).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : To;
        Period = StatisticsRequest.Parse(From, To, AsOf, calendar.ZoneOf(Caller.Jurisdiction), clock.GetCurrentInstant(), Errors);
        if (Period is null)
        {
            Response.StatusCode = 400;
            return Page();
        }
        AsOf = Envelope.Format(Period.AsOf);
        Report = await StatisticsReader.ReportAsync(dataSource, store, Caller, Period, ct);
        return null;
    }

    /// <summary>A figure's value in words: the count, or the amounts per currency, or the mean.</summary>
    public static string Show(FigureUnit unit, FigureValue v) => unit switch
    {
        FigureUnit.Amount => v.Amounts.Count == 0 ? "—" : string.Join("; ", v.Amounts.Select(Display.Money)),
        FigureUnit.MeanDays => v.MeanDays is { } m ? $"{m.ToString("F1", CultureInfo.InvariantCulture)} days" : "—",
        _ => v.Count.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A horizontal bar chart drawn on the server (no script): one bar per label, scaled to the largest value,
    /// each labelled with its value. Labels are HTML-encoded.
    /// </summary>
    public static IHtmlContent Bars(string title, IReadOnlyList<(string Label, decimal Value, string Text)> bars)
    {
        const int row = 22, labelWidth = 250, barWidth = 300;
        var max = bars.Count == 0 ? 0m : bars.Max(b => b.Value);
        var enc = HtmlEncoder.Default;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-label=\"{enc.Encode(title)}\" width=\"{labelWidth + barWidth + 160}\" height=\"{Math.Max(1, bars.Count) * row + 4}\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append("<title>").Append(enc.Encode(title)).Append("</title>");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, text) = bars[i];
            var width = max == 0 ? 0 : (int)Math.Round(value / max * barWidth, MidpointRounding.AwayFromZero);
            var y = i * row;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"12\">{enc.Encode(label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width}\" height=\"{row - 6}\" fill=\"#2f6f9f\"></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 6}\" y=\"{y + 15}\" font-size=\"12\">{enc.Encode(text)}</text>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }
}
