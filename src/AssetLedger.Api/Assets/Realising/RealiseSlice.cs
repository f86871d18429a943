namespace AssetLedger.Api.Assets.Realising;

/// <summary><c>POST /api/assets/{assetId}/realisation</c>: the confiscated asset is sold; the proceeds count against the order's maximum (confiscated → realised).</summary>
[AssetCommand("realisation", "Record the realisation (sale)", 9, Roles.Treasury)]
public sealed class RealiseSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var gross = f.Money("gross", true);
        var costs = f.Money("costs", true);
        var method = f.Enum<RealisationMethod>("method", true);
        var on = f.Date("realisedOn", true);
        var returned = f.Money("returnedToOwner", false);
        if (gross is { } g)
        {
            if (costs is { } c && c.Currency != g.Currency) f.Fail("costs.currency", "Must be the currency of gross.");
            if (returned is { } r && r.Currency != g.Currency) f.Fail("returnedToOwner.currency", "Must be the currency of gross.");
            else if (returned is { } r2 && r2.Amount > g.Amount) f.Fail("returnedToOwner.amount", "Must not be more than gross.");
        }
        return f.Ok ? new Realise(gross!.Value, costs!.Value, method!.Value, on!.Value, returned) : null;
    }
}
