namespace AssetLedger.Api.Assets.Custody;

/// <summary><c>POST /api/assets/{assetId}/custody-transfers</c>: the chain of custody moves to another custodian or place.</summary>
[AssetCommand("custody-transfers", "Transfer custody", 3, Roles.Investigator)]
public sealed class TransferCustodySlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var custodian = f.Text("toCustodian", true);
        var location = f.Text("toLocation", true);
        var at = f.Instant("transferredAt", true);
        var seal = f.Text("sealNumber", false);
        return f.Ok ? new TransferCustody(custodian!, location!, at!.Value, seal) : null;
    }
}
