using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

public class when_converting_currencies
{
    [Fact]
    public void Mixed_currencies_without_target_currency_are_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [Asset(1_000m), Asset(850m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion)]));

        Assert.Contains("EUR, GBP", Assert.Single(errors["currency"]));
    }

    [Fact]
    public void Mixed_currencies_with_target_but_no_conversion_rate_name_the_pair()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(1_000m), Asset(850m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Threshold)]));

        var message = Assert.Single(errors["fx"]);
        Assert.Contains("EUR/GBP", message);
        Assert.Contains("purpose conversion", message);
    }

    [Fact]
    public void Conversion_rate_base_other_quote_target_multiplies()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(1_000m), Asset(100.01m, "GBP")],
            rates: [Rate("GBP", "EUR", 1.17m, FxPurpose.Conversion)]));

        // 100.01 × 1.17 = 117.0117 → 117.01
        Assert.Equal(M(1_117.01m), result.Base);
        Assert.Equal(M(117.01m), result.Assets[1].ProceedsInBase);
    }

    [Fact]
    public void Conversion_rate_base_target_quote_other_divides_per_asset()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(1_000m), Asset(100m, "GBP"), Asset(100m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion)]));

        // 100 / 0.85 = 117.647… → 117.65, per asset
        Assert.Equal(M(1_235.30m), result.Base);
        Assert.Contains(result.Explanation, l => l.StartsWith("Conversion:") && l.Contains("1 EUR = 0.85 GBP"));
    }

    [Fact]
    public void A_single_currency_other_than_the_target_is_converted_too()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(160_000m, "JPY")],
            rates: [Rate("EUR", "JPY", 160m, FxPurpose.Conversion)]));

        Assert.Equal(["share treasury:NL 1000.00 retained"], Lines(result));
    }

    [Fact]
    public void Converted_costs_are_deducted_in_the_target_currency()
    {
        var result = Ok(Input(RegimeIds.UsEquitable, "US", currency: "USD", parameters: new UsEquitableParameters([new("A", 50m)]),
            assets: [Asset(1_000m, "EUR", costs: 100m)], rates: [Rate("EUR", "USD", 1.1m, FxPurpose.Conversion)]));

        Assert.Equal(["costs treasury:US 110.00 retained", "share agency:A 495.00", "share treasury:US 495.00 retained"], Lines(result));
    }

    [Fact]
    public void Rates_given_in_both_directions_for_one_pair_are_ambiguous()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(100m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion), Rate("GBP", "EUR", 1.2m, FxPurpose.Conversion)]));

        Assert.Contains("more than one rate", Assert.Single(errors["fx"]));
    }

    [Fact]
    public void Only_the_rates_used_are_listed()
    {
        var used = Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion);
        var result = Ok(Input(RegimeIds.Domestic, "NL", currency: "EUR", assets: [Asset(100m, "GBP")],
            rates: [used, Rate("EUR", "USD", 1.1m, FxPurpose.Conversion)]));

        Assert.Equal([used], result.RatesUsed);
    }
}
