using System.Globalization;
using System.Text;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;

namespace AssetLedger.Api.Distribution;

public sealed record ReconciliationRow(Payee Payee, string Currency, Money Due, Money Settled, Money Outstanding, int Distributions);

public sealed record ReconciliationReport(IReadOnlyList<ReconciliationRow> Rows);

/// <summary>
/// What is owed and paid, per payee (all but our own treasury) and currency, over every case of the
/// caller's jurisdiction: the sum of each case's <see cref="CaseBalances"/>, a document the case's
/// distribution and settlement events update in the transaction that appends them, so the report
/// always equals what those events say. Reading it costs a small document per case with a
/// distribution, not every case with its distributions' inputs and explanations.
/// </summary>
public static class Reconciliation
{
    public static ReconciliationReport Compute(IEnumerable<CaseBalances> cases, string? currency) => new(
        CaseBalances.Total(cases, currency)
            .Select(b => new ReconciliationRow(b.Payee, b.Currency, new Money(b.Due, b.Currency), new Money(b.Settled, b.Currency),
                new Money(b.Outstanding, b.Currency), b.Distributions))
            .ToList());

    /// <summary>The report over every case of the session's jurisdiction (the tenant) that has a distribution.</summary>
    public static async Task<ReconciliationReport> ReportAsync(IQuerySession session, string? currency, CancellationToken ct) =>
        Compute(await session.Query<CaseBalances>().ToListAsync(ct), currency);

    [ApiRoute("GET", "/treasury/reconciliation", Roles.Treasury, Roles.Auditor)]
    private static async Task<IResult> GetReconciliation(HttpContext http, string? currency, string? format, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        var errors = new Dictionary<string, string[]>();
        if (currency is not null && !Currencies.TryGetMinorUnit(currency, out _)) errors["currency"] = ["Must be an ISO 4217 currency code such as EUR."];
        if (format is not null && format is not ("csv" or "json")) errors["format"] = ["Must be csv or json."];
        if (errors.Count > 0) return Problems.Validation(errors);
        await using var session = store.QuerySession(caller.Jurisdiction);
        var report = await ReportAsync(session, currency, ct);
        var wantsCsv = format == "csv" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv
            ? Results.Text(ToCsv(report), "text/csv; charset=utf-8", Encoding.UTF8)
            : Results.Json(report, ApiJson.Options);
    }

    public static string ToCsv(ReconciliationReport report)
    {
        var sb = new StringBuilder("payeeType,payeeId,currency,due,settled,outstanding,distributions\n");
        foreach (var r in report.Rows)
            sb.Append(Csv.Cell(AssetLedger.Assets.Naming.SnakeCase(r.Payee.Type.ToString()))).Append(',')
              .Append(Csv.Cell(r.Payee.Id)).Append(',').Append(r.Currency).Append(',')
              .Append(r.Due.FormatAmount()).Append(',').Append(r.Settled.FormatAmount()).Append(',')
              .Append(r.Outstanding.FormatAmount()).Append(',').Append(r.Distributions.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
