using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

public class when_applying_a_sharing_regime
{
    [Fact]
    public void Domestic_keeps_everything_after_victims()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(1_234.56m, costs: 100m)], claims: [Claim(34.56m)]));

        Assert.Equal(["victim victim:V-1 34.56", "share treasury:NL 1200.00 retained"], Lines(result));
        Assert.Null(result.Counterparty);
    }

    [Fact]
    public void Bilateral_zero_percent_leaves_everything_with_us()
    {
        var result = Ok(Input(RegimeIds.Bilateral, "NL", "US", new BilateralParameters(0m), assets: [Asset(1_000.00m)]));

        Assert.Equal(["share treasury:NL 1000.00 retained"], Lines(result));
    }

    [Fact]
    public void Bilateral_hundred_percent_gives_everything_away_and_we_retain_nothing()
    {
        var result = Ok(Input(RegimeIds.Bilateral, "NL", "us", new BilateralParameters(100m), assets: [Asset(1_000.00m, costs: 50m)]));

        Assert.Equal(["share state:US 1000.00"], Lines(result));
        Assert.Equal("US", result.Counterparty);
    }

    [Fact]
    public void Bilateral_deducts_costs_first_when_agreed()
    {
        var result = Ok(Input(RegimeIds.Bilateral, "NL", "US", new BilateralParameters(50m, DeductCosts: true),
            assets: [Asset(10_000.00m, costs: 2_000.00m)]));

        Assert.Equal(["costs treasury:NL 2000.00 retained", "share state:US 4000.00", "share treasury:NL 4000.00 retained"], Lines(result));
    }

    [Fact]
    public void Bilateral_costs_larger_than_R_are_capped_at_R()
    {
        var result = Ok(Input(RegimeIds.Bilateral, "NL", "US", new BilateralParameters(50m, DeductCosts: true),
            assets: [Asset(1_000.00m, costs: 1_500.00m)]));

        Assert.Equal(["costs treasury:NL 1000.00 retained"], Lines(result));
    }

    [Fact]
    public void Bilateral_share_is_rounded_half_up()
    {
        var result = Ok(Input(RegimeIds.Bilateral, "NL", "US", new BilateralParameters(33.33m), assets: [Asset(100.15m)]));

        // 100.15 × 33.33 % = 33.379995 → 33.38
        Assert.Equal(["share state:US 33.38", "share treasury:NL 66.77 retained"], Lines(result));
    }

    [Fact]
    public void Uncac_expenses_equal_to_R_leave_nothing_to_return()
    {
        var result = Ok(Input(RegimeIds.Uncac57, "CH", "NG", new Uncac57Parameters(M(1_000.00m, "USD")), assets: [Asset(1_000.00m, "USD")]));

        Assert.Equal(["costs treasury:CH 1000.00 retained"], Lines(result));
    }

    [Fact]
    public void Uncac_without_expenses_returns_all_of_R()
    {
        var result = Ok(Input(RegimeIds.Uncac57, "CH", "NG", assets: [Asset(1_000.00m, "USD", costs: 10m)], claims: [Claim(100m, "USD")]));

        Assert.Equal(["victim victim:V-1 100.00", "share state:NG 900.00"], Lines(result));
    }

    [Fact]
    public void Uncac_expenses_more_than_R_are_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Uncac57, "CH", "NG", new Uncac57Parameters(M(30_000.00m, "USD")),
            assets: [Asset(100_000.00m, "USD")], claims: [Claim(80_000.00m, "USD")]));

        Assert.Contains("more than what is left after victims", Assert.Single(errors["parameters.expenses"]));
    }

    [Fact]
    public void Uncac_expenses_in_another_currency_are_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Uncac57, "CH", "NG", new Uncac57Parameters(M(30.00m, "EUR")), assets: [Asset(100_000.00m, "USD")]));

        Assert.Contains("must be in USD", Assert.Single(errors["parameters.expenses"]));
    }

    [Fact]
    public void Us_equitable_percentages_over_80_are_scaled_down()
    {
        var agencies = new UsEquitableParameters([new AgencyContribution("PD-LA", 50m), new AgencyContribution("LASD", 40m)]);
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: agencies, assets: [Asset(1_000.00m, "USD")]));

        // 50 × 80/90 = 44.44 %, 40 × 80/90 = 35.56 % → 444.44 + 355.56 = 800.00
        Assert.Equal(["share agency:PD-LA 444.44", "share agency:LASD 355.56", "share treasury:US 200.00 retained"], Lines(result));
    }

    [Fact]
    public void Us_equitable_rounding_excess_over_the_cap_is_given_up_by_the_last_agency()
    {
        var agencies = new UsEquitableParameters([new("A", 30m), new("B", 30m), new("C", 30m)]);
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: agencies, assets: [Asset(100.00m, "USD")]));

        // each 26.666…% of 100.00 → 26.67; 80.01 > 80.00 → C gives up 0.01
        Assert.Equal(["share agency:A 26.67", "share agency:B 26.67", "share agency:C 26.66", "share treasury:US 20.00 retained"], Lines(result));
    }

    [Fact]
    public void Us_equitable_excess_without_scaling_uses_a_cap_rounded_down()
    {
        var agencies = new UsEquitableParameters([new("A", 40m), new("B", 40m)]);
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: agencies, assets: [Asset(7m, "JPY")]));

        // 40 % of 7 = 2.8 → 3 each = 6 > cap floor(5.6) = 5 → B gives up 1
        Assert.Equal(["share agency:A 3", "share agency:B 2", "share treasury:US 2 retained"], Lines(result));
    }

    [Fact]
    public void Us_equitable_excess_moves_to_the_agency_before_when_the_last_has_nothing()
    {
        var agencies = new UsEquitableParameters([new("A", 40m), new("B", 40m), new("C", 0m)]);
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: agencies, assets: [Asset(0.07m, "USD")]));

        Assert.Equal(["share agency:A 0.03", "share agency:B 0.02", "share treasury:US 0.02 retained"], Lines(result));
    }

    [Fact]
    public void Us_equitable_costs_larger_than_R_leave_nothing_to_share()
    {
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: new UsEquitableParameters([new("A", 80m)]),
            assets: [Asset(1_000.00m, "USD", costs: 1_200.00m)], claims: [Claim(400m, "USD")]));

        Assert.Equal(["victim victim:V-1 400.00", "costs treasury:US 600.00 retained"], Lines(result));
    }

    [Fact]
    public void Uk_aris_in_kwd_rounds_each_agency_share_to_three_decimals()
    {
        var result = Ok(Input(RegimeIds.UkAris, "GB", parameters: new UkArisParameters("NCA", "CPS"), assets: [Asset(1.001m, "KWD")]));

        // 18.75 % of 1.001 = 0.1876875 → 0.188; 12.5 % = 0.125125 → 0.125
        Assert.Equal(["share agency:NCA 0.188", "share agency:CPS 0.188", "share agency:HMCTS 0.125", "share treasury:GB 0.500 retained"], Lines(result));
    }

    [Fact]
    public void Uk_aris_costs_are_not_deducted()
    {
        var result = Ok(Input(RegimeIds.UkAris, "GB", parameters: new UkArisParameters("MET", "CPS"), assets: [Asset(1_000.00m, "GBP", costs: 300m)]));

        Assert.Equal(["share agency:MET 187.50", "share agency:CPS 187.50", "share agency:HMCTS 125.00", "share treasury:GB 500.00 retained"], Lines(result));
    }

    [Theory]
    [InlineData(RegimeIds.Domestic)]
    [InlineData(RegimeIds.Eu2018_1805)]
    [InlineData(RegimeIds.Fd2006_783)]
    [InlineData(RegimeIds.Bilateral)]
    [InlineData(RegimeIds.Uncac57)]
    [InlineData(RegimeIds.UsEquitable)]
    [InlineData(RegimeIds.UkAris)]
    public void Every_regime_has_a_versioned_rule_and_the_treasury_share_is_last(string regime)
    {
        var (counterparty, parameters) = regime switch
        {
            RegimeIds.Bilateral => ("US", (RegimeParameters?)new BilateralParameters(25m, true)),
            RegimeIds.UsEquitable => (null, new UsEquitableParameters([new("A", 10m)])),
            RegimeIds.UkAris => (null, new UkArisParameters("NCA", "CPS")),
            RegimeIds.Domestic => (null, null),
            _ => ("DE", null),
        };
        var result = Ok(Input(regime, "NL", counterparty, parameters, assets: [Asset(20_000.00m, costs: 10m)]));

        Assert.Equal(regime + "@1", result.RuleVersion);
        Assert.Equal(regime, result.Regime);
        var last = result.Allocations[^1];
        if (regime != RegimeIds.Uncac57) Assert.Equal(new Payee(PayeeType.Treasury, "NL"), last.Payee);
        Assert.All(result.Allocations, a => Assert.Equal(a.Payee.Type == PayeeType.Treasury, a.Retained));
        AssertConserved(result);
    }
}
