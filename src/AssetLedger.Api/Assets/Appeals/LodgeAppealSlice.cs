namespace AssetLedger.Api.Assets.Appeals;

/// <summary><c>POST /api/assets/{assetId}/appeals</c>: an appeal against the confiscation order in force (confiscation ordered → under appeal).</summary>
[AssetCommand("appeals", "Record an appeal", 6, Roles.Prosecutor)]
public sealed class LodgeAppealSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var orderId = f.Id("orderId");
        var on = f.Date("lodgedOn", true);
        return f.Ok ? new LodgeAppeal(orderId!.Value, on!.Value) : null;
    }
}
