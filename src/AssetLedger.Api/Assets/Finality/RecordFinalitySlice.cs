namespace AssetLedger.Api.Assets.Finality;

/// <summary><c>POST /api/assets/{assetId}/finality</c>: the confiscation order became final (confiscation ordered → confiscated).</summary>
[AssetCommand("finality", "Record that the confiscation order is final", 8, Roles.Prosecutor)]
public sealed class RecordFinalitySlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var orderId = f.Id("orderId");
        var on = f.Date("finalOn", true);
        return f.Ok ? new RecordFinality(orderId!.Value, on!.Value) : null;
    }
}
