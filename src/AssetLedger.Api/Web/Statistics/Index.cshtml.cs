using System.Text;
using AssetLedger.Api.Statistics;
using AssetLedger.Statistics;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Web.Statistics;

/// <summary>The figures of GET /api/statistics for a period, in tables and bar charts, with the same CSV.</summary>
public sealed class IndexModel(NpgsqlDataSource dataSource, IDocumentStore store, JurisdictionCalendar calendar, IClock clock)
    : StatisticsPage(dataSource, store, calendar, clock)
{
    /// <summary>The sections of the page: a heading and the figures under it, in the order of <see cref="Figures.All"/>.</summary>
    public static readonly IReadOnlyList<(string Heading, string[] Figures)> Sections =
    [
        ("Freezing (Directive 2014/42/EU Art 11(2)(a), (c))", [Figures.AssetsFrozen, Figures.FreezingOrders, Figures.ValueFrozen, Figures.FrozenWithoutEstimate]),
        ("Confiscation (Art 11(2)(b), (d))", [Figures.ConfiscationOrders, Figures.AssetsConfiscationOrdered, Figures.ConfiscationOrdersFinal, Figures.AssetsConfiscated, Figures.ValueConfiscated, Figures.ConfiscatedWithoutEstimate]),
        ("Realisation (Art 11(2)(d))", [Figures.AssetsRealised, Figures.RealisedGross, Figures.RealisedCosts, Figures.RealisedReturned, Figures.RealisedKept, Figures.DaysToRealisation]),
        ("Victims", [Figures.CasesPayingVictims, Figures.PaidToVictims]),
        ("Certificates with other States (Regulation (EU) 2018/1805 Art 35(1))",
            [.. Figures.All.Where(f => f.Id.StartsWith("certificates_", StringComparison.Ordinal)).Select(f => f.Id), Figures.ExecutionDays]),
    ];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(Route, ct) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct) =>
        await LoadAsync(Route, ct) ?? File(Encoding.UTF8.GetBytes(StatisticsResponse.Of(Caller.Jurisdiction, Report!).ToCsv()), "text/csv; charset=utf-8", "statistics.csv");
}
