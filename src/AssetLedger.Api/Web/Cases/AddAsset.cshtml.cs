using AssetLedger.Api.Assets.Registering;
using AssetLedger.Api.Assets;
using AssetLedger.Api.Cases;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web.Cases;

/// <summary>Add an asset to a case: POST /api/cases/{caseId}/assets through the same parser, message and handler.</summary>
public sealed class AddAssetModel(IDocumentStore store, IMessageBus bus, JurisdictionCalendar calendar) : WebPage
{
    public const string Route = "POST /api/cases/{caseId}/assets";
    public static readonly string[] IdentifierKeys = ["iban", "bic", "vin", "imo", "registration", "landRegistry", "wallet", "serial", "lei"];

    public Case Case { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string caseId, CancellationToken ct) => await LoadAsync(caseId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string caseId, CancellationToken ct)
    {
        if (await LoadAsync(caseId, ct) is { } refusal) return refusal;
        var errors = AddAssetHandler.Prepare(FormBodyOf(calendar), Case.Id, RequestAs(RoleFor(Route)!), out var message);
        return await InvokeAsync(bus, "asset", errors, message, $"/assets/{message?.Asset.AssetId}",
            "The asset is recorded. Record its freezing or seizure below.", ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(string caseId, CancellationToken ct)
    {
        if (RefuseWithout(Route) is { } refusal) return refusal;
        if (!Guid.TryParse(caseId, out var id)) return NotFoundPage("case");
        await using var session = store.QuerySession(Caller.Jurisdiction);
        var (c, _) = await CaseQueries.LoadAsync(session, Caller, id, ct);
        if (c is null) return NotFoundPage("case");
        Case = c;
        return null;
    }
}
