namespace AssetLedger.Api.Assets.Valuing;

/// <summary><c>POST /api/assets/{assetId}/valuations</c>: a valuation (and liens) of the asset, in one currency.</summary>
[AssetCommand("valuations", "Record a valuation", 4, Roles.Investigator, Roles.Treasury)]
public sealed class RecordValuationSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f)
    {
        var value = f.Money("value", true);
        var method = f.Enum<ValuationMethod>("method", true);
        var valuer = f.Text("valuer", true);
        var on = f.Date("valuedOn", true);
        var liens = f.Money("liens", false);
        if (value is { } v && liens is { } l && v.Currency != l.Currency) f.Fail("liens.currency", "Must be the valuation's currency.");
        return f.Ok ? new RecordValuation(value!.Value, method!.Value, valuer!, on!.Value, liens) : null;
    }
}
