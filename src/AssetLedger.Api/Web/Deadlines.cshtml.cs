using AssetLedger.Api.Deadlines;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Web;

/// <summary>The deadlines of GET /api/deadlines (same query, same visibility), with the case and asset they belong to.</summary>
public sealed class DeadlinesModel(IDocumentStore store, JurisdictionCalendar calendar, IClock clock) : WebPage
{
    public const string Route = "GET /api/deadlines";

    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public IReadOnlyList<Deadline> Items { get; private set; } = [];
    public IReadOnlyDictionary<Guid, Case> Cases { get; private set; } = new Dictionary<Guid, Case>();
    public IReadOnlyDictionary<Guid, Asset> Assets { get; private set; } = new Dictionary<Guid, Asset>();

    /// <summary>The open time limits of the certificates this ledger executes (Art 9(3), Art 20(1)), soonest first; missed ones stay until decided.</summary>
    public IReadOnlyList<AssetLedger.Api.Certificates.Deadlines.CertificateDeadlineRow> CertificateLimits { get; private set; } = [];
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (RefuseWithout(Route) is { } refusal) return refusal;
        LocalDate? limit = null;
        if (!string.IsNullOrEmpty(Before))
        {
            if (LocalDatePattern.Iso.Parse(Before) is { Success: true } r) limit = r.Value;
            else { Errors["before"] = ["Must be a date such as 2026-12-31."]; Response.StatusCode = 400; return Page(); }
        }
        await using var session = store.QuerySession(Caller.Jurisdiction);
        Items = await DeadlineEndpoints.ListAsync(session, Caller, calendar.Today(Caller.Jurisdiction), limit, ct);
        var caseIds = Items.Select(d => d.CaseId).Distinct().ToArray();
        var assetIds = Items.Select(d => d.AssetId).Distinct().ToArray();
        Cases = (await session.LoadManyAsync<Case>(ct, caseIds)).ToDictionary(c => c.Id);
        Assets = (await session.LoadManyAsync<Asset>(ct, assetIds)).ToDictionary(a => a.Id);
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        CertificateLimits = await AssetLedger.Api.Certificates.Deadlines.ListCertificateDeadlinesSlice.ListAsync(session, clock.GetCurrentInstant(), Zone, limit, ct);
        return Page();
    }

    public string OrderOf(Deadline d) =>
        Assets.TryGetValue(d.AssetId, out var a) && a.FindOrder(d.OrderId) is { } o ? $"{Display.Words(o.Order.Type)} {o.Order.Reference} ({o.Order.Court})" : Display.Short(d.OrderId);
}
