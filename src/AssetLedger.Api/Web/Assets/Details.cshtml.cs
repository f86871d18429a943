using AssetLedger.Api.Assets;
using AssetLedger.Api.Cases;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Assets;

/// <summary>
/// An asset (GET /api/assets/{id}): status, orders, custody, valuations, its history, and a form
/// for each command the caller's role may take in the asset's status, posted through the API's
/// parser and message (POST /api/assets/{id}/{command}).
/// </summary>
public sealed class DetailsModel(IDocumentStore store, IMessageBus bus, JurisdictionCalendar calendar, IClock clock) : WebPage
{
    public Asset Asset { get; private set; } = null!;
    public AssetResponse View { get; private set; } = null!;
    public Case? Case { get; private set; }
    public IReadOnlyList<HistoryEntry> History { get; private set; } = [];
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;
    public LocalDate Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(string assetId, CancellationToken ct) => await LoadAsync(assetId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string assetId, [FromForm] string? action, CancellationToken ct)
    {
        if (await LoadAsync(assetId, ct) is { } refusal) return refusal;
        if (AssetCommandSlices.Find(action) is not { } route) return NotFoundPage("such action");
        if (RoleFor(route.Route.Key) is not { } role) return ForbiddenPage(route.Route.Key);
        var errors = AssetCommandSlices.Prepare(FormBodyOf(calendar), route, Asset.Id, RequestAs(role), out var message);
        return await InvokeAsync(bus, route.Name, errors, message, $"/assets/{Asset.Id}", $"Recorded: {Display.Words(route.Name.Replace('-', '_'))}.", ct)
            ?? await LoadAsync(assetId, ct) ?? Page();
    }

    /// <summary>A form is offered when the caller's role may send the command (its slice's roles) and the
    /// lifecycle decider offers it in the asset's current state: no second table of either.</summary>
    public bool Offered(AssetCommandSlice slice) =>
        Caller.RoleFor(slice.Route.Roles) is not null && AssetDecider.Offers(Asset).Contains(slice.Name);

    /// <summary>The clock's instant as a local date-time input value in the jurisdiction's zone.</summary>
    public string NowInput => Display.LocalInput(clock.GetCurrentInstant(), Zone);

    public IEnumerable<HistoryEntry> Of(params string[] types) => History.Where(h => types.Contains(h.Type));

    private async Task<IActionResult?> LoadAsync(string assetId, CancellationToken ct)
    {
        if (RefuseWithout("GET /api/assets/{assetId}") is { } refusal) return refusal;
        if (!Guid.TryParse(assetId, out var id)) return NotFoundPage("asset");
        await using var session = store.QuerySession(Caller.Jurisdiction);
        Today = calendar.Today(Caller.Jurisdiction);
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        if (await AssetQueries.VisibleAsync(session, Caller, id, ct) is not { } asset) return NotFoundPage("asset");
        Asset = asset;
        View = AssetResponse.From(asset, Today);
        (Case, _) = await CaseQueries.LoadAsync(session, Caller, asset.CaseId, ct);
        History = await CaseQueries.AssetHistoryAsync(session, Caller, id, ct) ?? [];
        return null;
    }
}
