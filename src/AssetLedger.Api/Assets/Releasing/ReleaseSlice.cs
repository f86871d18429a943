namespace AssetLedger.Api.Assets.Releasing;

/// <summary><c>POST /api/assets/{assetId}/release</c>: the restraint ends and the asset is returned (a final status).</summary>
[AssetCommand("release", "Release the asset", 10, Roles.Prosecutor)]
public sealed class ReleaseSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var reason = f.Enum<ReleaseReason>("reason", true);
        var on = f.Date("releasedOn", true);
        var note = f.Text("note", reason == ReleaseReason.Other, Fields.LongText);
        return f.Ok ? new ReleaseAsset(reason!.Value, on!.Value, note) : null;
    }
}
