namespace AssetLedger.Api.Assets.Freezing;

/// <summary><c>POST /api/assets/{assetId}/freeze</c>: a freezing order restrains the asset (identified → frozen).</summary>
[AssetCommand("freeze", "Freeze", 1, Roles.Investigator)]
public sealed class FreezeSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var reference = f.Text("orderReference", true);
        var at = f.Instant("frozenAt", true);
        var amount = f.Money("amount", false);
        var holder = f.Text("holder", false);
        return f.Ok ? new Freeze(reference!, at!.Value, amount, holder) : null;
    }
}
