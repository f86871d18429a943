using AssetLedger.Api.Distribution.Distributing;
using AssetLedger.Api.Cases;
using AssetLedger.Api.Distribution;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web.Distributions;

/// <summary>Compute a distribution: POST /api/cases/{caseId}/distributions through the same parser, message and calculator.</summary>
public sealed class NewModel(IDocumentStore store, IMessageBus bus, JurisdictionCalendar calendar) : WebPage
{
    public const string Route = "POST /api/cases/{caseId}/distributions";

    public Case Case { get; private set; } = null!;
    /// <summary>Realised assets of the case not yet in a distribution: what a distribution without an asset list covers.</summary>
    public IReadOnlyList<Asset> Undistributed { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string caseId, CancellationToken ct) => await LoadAsync(caseId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string caseId, CancellationToken ct)
    {
        if (await LoadAsync(caseId, ct) is { } refusal) return refusal;
        var errors = ComputeDistributionHandler.Prepare(FormBodyOf(calendar), Case.Id, RequestAs(RoleFor(Route)!), out var message);
        return await InvokeAsync(bus, "distribution", errors, message, $"/cases/{Case.Id}/distributions/{message?.DistributionId}",
            "The distribution is computed. Record each payment as it is made.", ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(string caseId, CancellationToken ct)
    {
        if (RefuseWithout(Route) is { } refusal) return refusal;
        if (!Guid.TryParse(caseId, out var id)) return NotFoundPage("case");
        await using var session = store.QuerySession(Caller.Jurisdiction);
        var (c, assets) = await CaseQueries.LoadAsync(session, Caller, id, ct);
        if (c is null) return NotFoundPage("case");
        Case = c;
        Undistributed = assets.Where(a => a.Status == AssetStatus.Realised && !c.DistributedAssetIds.Contains(a.Id)).ToList();
        return null;
    }
}
