using AssetLedger.Api.Distribution.VictimClaims;
using AssetLedger.Api.Cases.Closing;
using AssetLedger.Api.Cases;
using AssetLedger.Api.Distribution;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Cases;

/// <summary>
/// A case: its summary (GET /api/cases/{id}), assets grouped by status, victim claims,
/// distributions, and its history as a timeline; forms to register a victim claim and close it.
/// </summary>
public sealed class DetailsModel(IDocumentStore store, IMessageBus bus, JurisdictionCalendar calendar) : WebPage
{
    public const string ClaimRoute = "POST /api/cases/{caseId}/victim-claims";
    public const string CloseRoute = "POST /api/cases/{caseId}/close";

    public static readonly AssetStatus[] StatusOrder =
    [
        AssetStatus.Identified, AssetStatus.Frozen, AssetStatus.Seized, AssetStatus.ConfiscationOrdered, AssetStatus.UnderAppeal,
        AssetStatus.Confiscated, AssetStatus.Realised, AssetStatus.Released, AssetStatus.Disposed,
    ];

    public Case Case { get; private set; } = null!;
    public CaseSummary Summary { get; private set; } = null!;
    public IReadOnlyList<Asset> Assets { get; private set; } = [];
    public IReadOnlyList<VictimClaimResponse> Claims { get; private set; } = [];
    public IReadOnlyList<TimelineEntry> History { get; private set; } = [];
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public async Task<IActionResult> OnGetAsync(string caseId, CancellationToken ct) => await LoadAsync(caseId, ct) ?? Page();

    public async Task<IActionResult> OnPostClaimAsync(string caseId, CancellationToken ct)
    {
        if (await LoadAsync(caseId, ct) is { } refusal) return refusal;
        if (RoleFor(ClaimRoute) is not { } role) return ForbiddenPage(ClaimRoute);
        var errors = RegisterVictimClaimHandler.Prepare(FormBodyOf(calendar), Case.Id, RequestAs(role), out var message);
        return await InvokeAsync(bus, "claim", errors, message, $"/cases/{Case.Id}#claims", "The victim claim is registered.", ct)
            ?? await LoadAsync(caseId, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostCloseAsync(string caseId, CancellationToken ct)
    {
        if (await LoadAsync(caseId, ct) is { } refusal) return refusal;
        if (RoleFor(CloseRoute) is not { } role) return ForbiddenPage(CloseRoute);
        var errors = CloseCaseHandler.Prepare(FormBodyOf(calendar), Case.Id, RequestAs(role), out var message);
        return await InvokeAsync(bus, "close", errors, message, $"/cases/{Case.Id}", "The case is closed.", ct)
            ?? await LoadAsync(caseId, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(string caseId, CancellationToken ct)
    {
        if (RefuseWithout("GET /api/cases/{caseId}") is { } refusal) return refusal;
        if (!Guid.TryParse(caseId, out var id)) return NotFoundPage("case");
        await using var session = store.QuerySession(Caller.Jurisdiction);
        var (c, assets) = await CaseQueries.LoadAsync(session, Caller, id, ct);
        if (c is null) return NotFoundPage("case");
        Case = c;
        Assets = assets;
        Summary = CaseSummary.From(c, assets.ToList());
        Claims = c.VictimClaims.Select(v => VictimClaimResponse.From(id, v)).ToList();
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        if (RoleFor("GET /api/cases/{caseId}/history") is not null
            && await CaseQueries.CaseHistoryAsync(session, Caller, id, ct) is { } history)
            History = Timeline.Of(history, assets, _ => "case " + c.Reference);
        return null;
    }
}
