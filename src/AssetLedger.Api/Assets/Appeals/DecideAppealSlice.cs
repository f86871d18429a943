namespace AssetLedger.Api.Assets.Appeals;

/// <summary><c>POST /api/assets/{assetId}/appeal-decisions</c>: the appeal is dismissed (back to confiscation ordered) or allowed (the order is quashed).</summary>
[AssetCommand("appeal-decisions", "Record the appeal decision", 7, Roles.Prosecutor)]
public sealed class DecideAppealSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var orderId = f.Id("orderId");
        var outcome = f.Enum<AppealOutcome>("outcome", true);
        var on = f.Date("decidedOn", true);
        return f.Ok ? new DecideAppeal(orderId!.Value, outcome!.Value, on!.Value) : null;
    }
}
