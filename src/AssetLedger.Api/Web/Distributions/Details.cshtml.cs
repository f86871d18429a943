using AssetLedger.Api.Distribution.Settling;
using AssetLedger.Api.Distribution.Distributing;
using AssetLedger.Api.Distribution;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Distributions;

/// <summary>A distribution (GET …/distributions/{id}): explanation, allocations, and a settlement form per allocation due.</summary>
public sealed class DetailsModel(IDocumentStore store, IMessageBus bus, JurisdictionCalendar calendar) : WebPage
{
    public const string Route = "GET /api/cases/{caseId}/distributions/{distributionId}";
    public const string SettleRoute = "POST /api/cases/{caseId}/distributions/{distributionId}/settlements";

    public DistributionResponse Distribution { get; private set; } = null!;
    public Case Case { get; private set; } = null!;
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;
    public string Today { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string caseId, string distributionId, CancellationToken ct) => await LoadAsync(caseId, distributionId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string caseId, string distributionId, [FromForm] string? action, CancellationToken ct)
    {
        if (await LoadAsync(caseId, distributionId, ct) is { } refusal) return refusal;
        if (RoleFor(SettleRoute) is not { } role) return ForbiddenPage(SettleRoute);
        var errors = SettleAllocationHandler.Prepare(FormBodyOf(calendar), Case.Id, Distribution.DistributionId, RequestAs(role), out var message);
        return await InvokeAsync(bus, action ?? "settle", errors, message, $"/cases/{Case.Id}/distributions/{Distribution.DistributionId}",
            "The settlement is recorded.", ct) ?? await LoadAsync(caseId, distributionId, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(string caseId, string distributionId, CancellationToken ct)
    {
        if (RefuseWithout(Route) is { } refusal) return refusal;
        if (!Guid.TryParse(caseId, out var id) || !Guid.TryParse(distributionId, out var did)) return NotFoundPage("distribution");
        await using var session = store.QuerySession(Caller.Jurisdiction);
        if (await ComputeDistributionHandler.CurrentAsync(session, Caller, id, did, created: false, ct) is not Outcome.Done { Body: DistributionResponse d })
            return NotFoundPage("distribution");
        Distribution = d;
        Case = (await session.LoadAsync<Case>(id, ct))!;
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        Today = Display.Date(calendar.Today(Caller.Jurisdiction));
        return null;
    }
}
