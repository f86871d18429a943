using System.Text;
using AssetLedger.Api.Statistics;
using AssetLedger.Statistics;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Web.Statistics;

/// <summary>The sources of one figure (GET /api/statistics/figures/{figure}): the cases and events behind it.</summary>
public sealed class FigureModel(NpgsqlDataSource dataSource, IDocumentStore store, JurisdictionCalendar calendar, IClock clock)
    : StatisticsPage(dataSource, store, calendar, clock)
{
    public const string SourcesRoute = "GET /api/statistics/figures/{figure}";

    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";

    public FigureResult? Figure { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadFigureAsync(ct) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct) =>
        await LoadFigureAsync(ct) ?? File(Encoding.UTF8.GetBytes(FigureSourcesResponse.Of(Figure!, Period!).ToCsv()), "text/csv; charset=utf-8", $"{Id}.csv");

    private async Task<IActionResult?> LoadFigureAsync(CancellationToken ct)
    {
        if (RefuseWithout(SourcesRoute) is { } refusal) return refusal;
        if (Figures.Find(Id) is null) return NotFoundPage("such figure");
        if (await LoadAsync(SourcesRoute, ct) is { } shown) return shown;
        Figure = Report![Id];
        return null;
    }
}
