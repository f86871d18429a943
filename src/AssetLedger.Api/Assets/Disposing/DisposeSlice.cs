namespace AssetLedger.Api.Assets.Disposing;

/// <summary><c>POST /api/assets/{assetId}/disposal</c>: the confiscated asset is destroyed, donated or kept in kind (a final status).</summary>
[AssetCommand("disposal", "Dispose of the asset in kind", 11, Roles.Treasury)]
public sealed class DisposeSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var method = f.Enum<DisposalMethod>("method", true);
        var on = f.Date("disposedOn", true);
        var note = f.Text("note", false, Fields.LongText);
        return f.Ok ? new DisposeAsset(method!.Value, on!.Value, note) : null;
    }
}
