using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

/// <summary>The EUR 10,000.00 thresholds: ≤ keeps everything under 2018/1805, &lt; under 2006/783; tested on R, in EUR.</summary>
public class when_testing_the_eu_threshold
{
    [Theory]
    [InlineData("9999.99", new string[] { "share treasury:NL 9999.99 retained" })]
    [InlineData("10000.00", new string[] { "share treasury:NL 10000.00 retained" })]
    [InlineData("10000.01", new string[] { "share state:DE 5000.01", "share treasury:NL 5000.00 retained" })]
    public void Eu_2018_1805_shares_only_above_10000(string realised, string[] expected)
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(decimal.Parse(realised, System.Globalization.CultureInfo.InvariantCulture))]));

        Assert.Equal(expected, Lines(result));
    }

    [Theory]
    [InlineData("9999.99", new string[] { "share treasury:NL 9999.99 retained" })]
    [InlineData("10000.00", new string[] { "share state:DE 5000.00", "share treasury:NL 5000.00 retained" })]
    [InlineData("10000.01", new string[] { "share state:DE 5000.01", "share treasury:NL 5000.00 retained" })]
    public void Fd_2006_783_shares_from_10000(string realised, string[] expected)
    {
        var result = Ok(Input(RegimeIds.Fd2006_783, "NL", "DE", assets: [Asset(decimal.Parse(realised, System.Globalization.CultureInfo.InvariantCulture))]));

        Assert.Equal(expected, Lines(result));
    }

    [Fact]
    public void Threshold_is_tested_on_the_remainder_after_victims_not_on_the_base()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(15_000.00m)], claims: [Claim(5_000.00m)]));

        Assert.Equal(["victim victim:V-1 5000.00", "share treasury:NL 10000.00 retained"], Lines(result));
    }

    [Fact]
    public void Explanation_names_the_rule_and_the_comparison()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(10_000.00m)]));

        Assert.Contains(result.Explanation, l => l.Contains("Art 30(7)") && l.Contains("EUR 10,000.00 is not more than EUR 10,000.00"));
        Assert.Contains(result.Explanation, l => l.Contains("Art 31"));
        Assert.Equal(DistributionCalculator.RoundingRule, result.RoundingRule);
    }

    [Theory]
    [InlineData(RegimeIds.Eu2018_1805, "8499.99", new string[] { "share treasury:GB 8499.99 retained" })]
    [InlineData(RegimeIds.Eu2018_1805, "8500.00", new string[] { "share treasury:GB 8500.00 retained" })]
    [InlineData(RegimeIds.Eu2018_1805, "8500.01", new string[] { "share state:DE 4250.01", "share treasury:GB 4250.00 retained" })]
    [InlineData(RegimeIds.Fd2006_783, "8499.99", new string[] { "share treasury:GB 8499.99 retained" })]
    [InlineData(RegimeIds.Fd2006_783, "8500.00", new string[] { "share state:DE 4250.00", "share treasury:GB 4250.00 retained" })]
    public void Gbp_remainder_is_converted_to_eur_with_the_threshold_rate(string regime, string realised, string[] expected)
    {
        var rate = Rate("EUR", "GBP", 0.85m, FxPurpose.Threshold);
        var result = Ok(Input(regime, "GB", "DE", assets: [Asset(decimal.Parse(realised, System.Globalization.CultureInfo.InvariantCulture), "GBP")], rates: [rate]));

        Assert.Equal(expected, Lines(result));
        Assert.Equal([rate], result.RatesUsed);
        Assert.Contains(result.Explanation, l => l.Contains("Threshold conversion") && l.Contains("1 EUR = 0.85 GBP (ECB, 2026-03-02, purpose threshold)"));
    }

    [Theory]
    [InlineData(RegimeIds.Eu2018_1805, new string[] { "share treasury:NL 29999.99 retained" })]
    [InlineData(RegimeIds.Fd2006_783, new string[] { "share state:DE 15000.00", "share treasury:NL 14999.99 retained" })]
    public void The_eur_equivalent_is_rounded_to_cents_before_comparing(string regime, string[] expected)
    {
        // CHF 29,999.99 / 3 = EUR 9,999.99666… → EUR 10,000.00 (half-up to cents), so exactly at the threshold.
        var result = Ok(Input(regime, "NL", "DE", assets: [Asset(29_999.99m, "CHF")], rates: [Rate("EUR", "CHF", 3m, FxPurpose.Threshold)]));

        Assert.Equal(expected, Lines(result));
    }

    [Fact]
    public void Missing_threshold_rate_is_an_fx_error_naming_the_pair()
    {
        var errors = Rejected(Input(RegimeIds.Eu2018_1805, "GB", "DE", assets: [Asset(50_000.00m, "GBP")]));

        Assert.Equal(["missing rate EUR/GBP with purpose threshold"], errors["fx"]);
    }

    [Fact]
    public void A_rate_with_another_purpose_does_not_count_as_threshold_rate()
    {
        var errors = Rejected(Input(RegimeIds.Fd2006_783, "GB", "DE", assets: [Asset(50_000.00m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion)]));

        Assert.Equal(["missing rate EUR/GBP with purpose threshold"], errors["fx"]);
    }

    [Fact]
    public void An_inverse_threshold_rate_is_not_used_and_the_error_says_how_to_give_it()
    {
        var errors = Rejected(Input(RegimeIds.Eu2018_1805, "GB", "DE", assets: [Asset(50_000.00m, "GBP")],
            rates: [Rate("GBP", "EUR", 1.17m, FxPurpose.Threshold)]));

        var message = Assert.Single(errors["fx"]);
        Assert.StartsWith("missing rate EUR/GBP with purpose threshold", message);
        Assert.Contains("1 EUR = x GBP", message);
    }

    [Fact]
    public void Two_different_threshold_rates_for_one_pair_are_refused()
    {
        var errors = Rejected(Input(RegimeIds.Eu2018_1805, "GB", "DE", assets: [Asset(50_000.00m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Threshold), Rate("EUR", "GBP", 0.86m, FxPurpose.Threshold)]));

        Assert.Contains("EUR/GBP", Assert.Single(errors["fx"]));
    }

    [Fact]
    public void No_threshold_rate_is_needed_when_victims_took_everything()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "GB", "DE", assets: [Asset(5_000.00m, "GBP")], claims: [Claim(9_000.00m, "GBP")]));

        Assert.Equal(["victim victim:V-1 5000.00"], Lines(result));
    }

    [Theory]
    [InlineData("1599999", new string[] { "share treasury:JP 1599999 retained" })]
    [InlineData("1600000", new string[] { "share treasury:JP 1600000 retained" })]
    [InlineData("1600001", new string[] { "share state:DE 800001", "share treasury:JP 800000 retained" })]
    public void Jpy_has_no_decimals(string realised, string[] expected)
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "JP", "DE", assets: [Asset(decimal.Parse(realised, System.Globalization.CultureInfo.InvariantCulture), "JPY")],
            rates: [Rate("EUR", "JPY", 160m, FxPurpose.Threshold)]));

        Assert.Equal(expected, Lines(result));
    }

    [Fact]
    public void Kwd_has_three_decimals()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "KW", "DE", assets: [Asset(10_000.001m, "KWD")],
            rates: [Rate("EUR", "KWD", 0.33m, FxPurpose.Threshold)]));

        Assert.Equal(["share state:DE 5000.001", "share treasury:KW 5000.000 retained"], Lines(result));
    }
}
