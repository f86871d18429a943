using System.Text;
using Npgsql;

namespace AssetLedger.Api.Statistics;

/// <summary>
/// <c>GET /api/statistics?from&amp;to&amp;asOf&amp;format</c>: the statutory statistics of the caller's jurisdiction
/// over the cases the caller may see (docs/statistics.md), as JSON or CSV.
/// </summary>
public static class GetStatisticsSlice
{
    [ApiRoute("GET", "/statistics", Roles.Prosecutor, Roles.Treasury, Roles.Auditor, DeadlineSeconds = 60)]
    private static async Task<IResult> GetStatistics(HttpContext http, string? from, string? to, string? asOf, string? format,
        NpgsqlDataSource dataSource, IDocumentStore store, JurisdictionCalendar calendar, NodaTime.IClock clock, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        var errors = new Dictionary<string, string[]>();
        var period = StatisticsRequest.Parse(from, to, asOf, calendar.ZoneOf(caller.Jurisdiction), clock.GetCurrentInstant(), errors);
        var csv = StatisticsRequest.WantsCsv(format, http.Request, errors);
        if (period is null || errors.Count > 0) return Problems.Validation(errors);
        var response = StatisticsResponse.Of(caller.Jurisdiction, await StatisticsReader.ReportAsync(dataSource, store, caller, period, ct));
        return csv
            ? Results.Text(response.ToCsv(), "text/csv; charset=utf-8", Encoding.UTF8)
            : Results.Json(response, ApiJson.Options);
    }
}
