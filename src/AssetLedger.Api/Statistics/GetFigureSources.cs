using System.Globalization;
using System.Text;
using AssetLedger.Core.Money;
using AssetLedger.Statistics;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Statistics;

/// <summary>One fact behind a figure: the case, the asset or certificate, the event (stream, version), its date, and what it adds.</summary>
public sealed record SourceRow(
    Guid? CaseId, string? CaseReference, Guid? AssetId, Guid? CertificateId, Guid StreamId, long Version, LocalDate Date,
    string Item, Money? Amount, int? Days, string? AssetKind, IReadOnlyList<string> Offences, string? CertificateKind)
{
    public static SourceRow From(FigureSource s) => new(s.CaseId, s.CaseReference, s.AssetId, s.CertificateId, s.StreamId, s.Version, s.Date,
        s.Item, s.Amount, s.Days, s.AssetKind is { } k ? Naming.SnakeCase(k.ToString()) : null,
        s.Offences.Distinct().Select(o => Naming.SnakeCase(o.ToString())).ToList(),
        s.CertificateKind is { } c ? Naming.SnakeCase(c.ToString()) : null);
}

public sealed record FigureSourcesResponse(
    string Figure, string LegalSource, string Definition, LocalDate From, LocalDate To, Instant AsOf, string TimeZone,
    int Count, IReadOnlyList<Money> Amounts, string? MeanDays, IReadOnlyList<SourceRow> Rows)
{
    public const string CsvHeader = "caseId,caseReference,assetId,certificateId,streamId,version,date,item,currency,amount,days,assetKind,offences,certificateKind\n";

    public string ToCsv()
    {
        var sb = new StringBuilder(CsvHeader);
        foreach (var r in Rows)
            sb.Append(r.CaseId).Append(',').Append(Csv.Cell(r.CaseReference)).Append(',').Append(r.AssetId).Append(',')
              .Append(r.CertificateId).Append(',').Append(r.StreamId).Append(',').Append(r.Version.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').Append(Csv.Cell(r.Item)).Append(',')
              .Append(r.Amount?.Currency).Append(',').Append(r.Amount?.FormatAmount()).Append(',')
              .Append(r.Days?.ToString(CultureInfo.InvariantCulture)).Append(',').Append(r.AssetKind).Append(',')
              .Append(string.Join(';', r.Offences)).Append(',').Append(r.CertificateKind).Append('\n');
        return sb.ToString();
    }

    public static FigureSourcesResponse Of(FigureResult f, StatisticsPeriod p)
    {
        var total = ValueResponse.From(f.Total);
        return new(f.Definition.Id, f.Definition.LegalSource, f.Definition.Definition, p.From, p.To, p.AsOf, p.Zone.Id,
            total.Count, total.Amounts, total.MeanDays, f.Sources.Select(SourceRow.From).ToList());
    }
}

/// <summary>
/// <c>GET /api/statistics/figures/{figure}?from&amp;to&amp;asOf&amp;format</c>: the sources of one figure of
/// <c>GET /api/statistics</c> (same period, same visibility), one row per event that made it count, in a stable order.
/// </summary>
public static class GetFigureSourcesSlice
{
    [ApiRoute("GET", "/statistics/figures/{figure}", Roles.Prosecutor, Roles.Treasury, Roles.Auditor, DeadlineSeconds = 60)]
    private static async Task<IResult> GetFigureSources(HttpContext http, string figure, string? from, string? to, string? asOf, string? format,
        NpgsqlDataSource dataSource, IDocumentStore store, JurisdictionCalendar calendar, NodaTime.IClock clock, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        var errors = new Dictionary<string, string[]>();
        var definition = Figures.Find(figure);
        if (definition is null) errors["figure"] = [$"Unknown figure; one of: {string.Join(", ", Figures.All.Select(f => f.Id))}."];
        var period = StatisticsRequest.Parse(from, to, asOf, calendar.ZoneOf(caller.Jurisdiction), clock.GetCurrentInstant(), errors);
        var csv = StatisticsRequest.WantsCsv(format, http.Request, errors);
        if (period is null || definition is null || errors.Count > 0) return Problems.Validation(errors);
        var report = await StatisticsReader.ReportAsync(dataSource, store, caller, period, ct);
        var response = FigureSourcesResponse.Of(report[definition.Id], period);
        return csv
            ? Results.Text(response.ToCsv(), "text/csv; charset=utf-8", Encoding.UTF8)
            : Results.Json(response, ApiJson.Options);
    }
}
