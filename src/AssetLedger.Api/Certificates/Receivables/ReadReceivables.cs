using AssetLedger.Certificates;
using AssetLedger.Core.Money;

namespace AssetLedger.Api.Certificates.Receivables;

public sealed record ReceivableRow(string FromState, string Currency, Money Due, Money Settled, Money Outstanding, int Shares);

public sealed record ReceivableShare(Guid CertificateId, string OrderReference, string FromState, Guid DistributionId, Guid AllocationId,
    Money Due, Money Settled, Money Outstanding, IReadOnlyList<SharePayment> Payments);

public sealed record ReceivablesReport(IReadOnlyList<ReceivableRow> Rows, IReadOnlyList<ReceivableShare> Shares);

/// <summary>
/// <c>GET /api/treasury/receivables</c>: what other States owe us under the confiscation certificates
/// we issued (Art 30(7)), as their ledgers reported it: per executing State and currency, due, settled
/// and outstanding, and each share with its payments. The executing State's reconciliation shows the
/// same figures for us as a payee, to the minor unit: both come from the same events.
/// </summary>
public static class ReadReceivablesSlice
{
    [ApiRoute("GET", "/treasury/receivables", Roles.Treasury, Roles.Auditor)]
    private static async Task<IResult> GetReceivables(HttpContext http, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        await using var session = store.QuerySession(caller.Jurisdiction);
        return Results.Json(await ReportAsync(session, ct), ApiJson.Options);
    }

    /// <summary>The report over the confiscation certificates the session's jurisdiction issued.</summary>
    public static async Task<ReceivablesReport> ReportAsync(IQuerySession session, CancellationToken ct) =>
        Compute(await session.Query<Certificate>().Where(c => c.Role == CertificateRole.Issuing && c.Kind == CertificateKind.Confiscation).ToListAsync(ct));

    public static ReceivablesReport Compute(IEnumerable<Certificate> issued)
    {
        var shares = issued.SelectMany(c => c.Shares.Select(s => new ReceivableShare(c.Id, c.Details.OrderReference, c.OtherState, s.DistributionId,
                s.AllocationId, s.Due, s.Settled, s.Outstanding, s.Payments)))
            .OrderBy(s => s.FromState, StringComparer.Ordinal).ThenBy(s => s.CertificateId).ThenBy(s => s.AllocationId)
            .ToList();
        var rows = shares.GroupBy(s => (s.FromState, s.Due.Currency))
            .Select(g => new ReceivableRow(g.Key.FromState, g.Key.Currency,
                Sum(g.Select(s => s.Due), g.Key.Currency), Sum(g.Select(s => s.Settled), g.Key.Currency), Sum(g.Select(s => s.Outstanding), g.Key.Currency), g.Count()))
            .OrderBy(r => r.FromState, StringComparer.Ordinal).ThenBy(r => r.Currency, StringComparer.Ordinal)
            .ToList();
        return new ReceivablesReport(rows, shares);
    }

    private static Money Sum(IEnumerable<Money> amounts, string currency) => amounts.Aggregate(new Money(0m, currency), (a, b) => a + b);
}
