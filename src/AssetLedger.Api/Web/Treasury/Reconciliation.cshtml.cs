using System.Text;
using AssetLedger.Api.Distribution;
using AssetLedger.Core.Money;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web.Treasury;

/// <summary>The reconciliation of GET /api/treasury/reconciliation, on screen and as the same CSV.</summary>
public sealed class ReconciliationModel(IDocumentStore store) : WebPage
{
    public const string Route = "GET /api/treasury/reconciliation";

    [BindProperty(SupportsGet = true)] public string? Currency { get; set; }

    public ReconciliationReport Report { get; private set; } = new([]);

    /// <summary>What other States owe us under our confiscation certificates (GET /api/treasury/receivables).</summary>
    public AssetLedger.Api.Certificates.Receivables.ReceivablesReport Receivables { get; private set; } = new([], []);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct) =>
        await LoadAsync(ct) ?? File(Encoding.UTF8.GetBytes(Reconciliation.ToCsv(Report)), "text/csv; charset=utf-8", "reconciliation.csv");

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (RefuseWithout(Route) is { } refusal) return refusal;
        if (string.IsNullOrEmpty(Currency)) Currency = null;
        if (Currency is not null && !Currencies.TryGetMinorUnit(Currency, out _))
        {
            Errors["currency"] = ["Must be an ISO 4217 currency code such as EUR."];
            Response.StatusCode = 400;
            return Page();
        }
        await using var session = store.QuerySession(Caller.Jurisdiction);
        Report = await Reconciliation.ReportAsync(session, Currency, ct);
        var receivables = await AssetLedger.Api.Certificates.Receivables.ReadReceivablesSlice.ReportAsync(session, ct);
        Receivables = Currency is null ? receivables
            : new(receivables.Rows.Where(r => r.Currency == Currency).ToList(), receivables.Shares.Where(s => s.Due.Currency == Currency).ToList());
        return null;
    }
}
