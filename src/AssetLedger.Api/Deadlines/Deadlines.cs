using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Deadlines;

public sealed record Deadline(Guid CaseId, Guid AssetId, Guid OrderId, string Kind, LocalDate Due, int DaysLeft);

/// <summary>
/// Order expiry dates and deadlines recorded on orders, soonest first, with days left counted in
/// the jurisdiction's time zone by the injectable clock. Orders that no longer bind (quashed, or on
/// an asset in a terminal status) are left out; expiry of a final confiscation order likewise.
/// </summary>
public static class DeadlineEndpoints
{
    public static IEnumerable<Deadline> For(Asset asset, LocalDate today) =>
        asset.BindingOrders().SelectMany(o =>
            (o.Order.ExpiresOn is { } exp ? [("order_expiry", exp)] : Array.Empty<(string, LocalDate)>())
            .Concat(o.Order.Deadlines.Select(d => (d.Kind, d.Due)))
            .Select(x => new Deadline(asset.CaseId, asset.Id, o.Order.OrderId, x.Item1, x.Item2, Period.Between(today, x.Item2, PeriodUnits.Days).Days)));

    [ApiRoute("GET", "/deadlines", Roles.Investigator, Roles.Prosecutor, Roles.Auditor)]
    private static async Task<IResult> Deadlines(HttpContext http, string? before, IDocumentStore store, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!TryBefore(before, out var limit)) return BadBefore;
        await using var session = store.QuerySession(caller.Jurisdiction);
        var list = await ListAsync(session, caller, calendar.Today(caller.Jurisdiction), limit, ct);
        return Results.Json(list, ApiJson.Options);
    }

    /// <summary>The <c>before</c> parameter of a deadlines list: absent, or an ISO date.</summary>
    public static bool TryBefore(string? before, out LocalDate? limit)
    {
        limit = null;
        if (before is null) return true;
        if (LocalDatePattern.Iso.Parse(before) is not { Success: true } r) return false;
        limit = r.Value;
        return true;
    }

    public static IResult BadBefore => Problems.Validation(new Dictionary<string, string[]> { ["before"] = ["Must be a date such as \"2026-12-31\"."] });

    /// <summary>The assets whose documents say they have deadlines (read through their partial index, MartenSetup).</summary>
    public static IQueryable<Asset> AssetsWithDeadlines(IQuerySession session) => session.Query<Asset>().Where(a => a.HasDeadlines);

    /// <summary>The deadlines of the assets the caller may see, due on or before <paramref name="limit"/>, soonest first.</summary>
    public static async Task<IReadOnlyList<Deadline>> ListAsync(IQuerySession session, Caller caller, LocalDate today, LocalDate? limit, CancellationToken ct)
    {
        var assets = await AssetsWithDeadlines(session).ToListAsync(ct);
        return assets.Where(a => caller.CanSee(a.CaseAgencies))
            .SelectMany(a => For(a, today))
            .Where(d => limit is null || d.Due <= limit)
            .OrderBy(d => d.Due).ThenBy(d => d.CaseId).ThenBy(d => d.AssetId).ThenBy(d => d.Kind, StringComparer.Ordinal)
            .ToList();
    }
}
