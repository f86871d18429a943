namespace AssetLedger.Api.Assets.Seizing;

/// <summary><c>POST /api/assets/{assetId}/seize</c>: the asset is taken into custody (identified or frozen → seized).</summary>
[AssetCommand("seize", "Seize", 2, Roles.Investigator)]
public sealed class SeizeSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var custodian = f.Text("custodian", true);
        var location = f.Text("location", true);
        var at = f.Instant("seizedAt", true);
        var seal = f.Text("sealNumber", false);
        return f.Ok ? new Seize(custodian!, location!, at!.Value, seal) : null;
    }
}
