using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

using AssetLedger.Core.Money;

public class when_validating_a_distribution_input
{
    [Fact]
    public void Unknown_regime_is_an_error()
    {
        var errors = Rejected(Input("eu-2014-42", "NL", assets: [Asset(1m)]));

        Assert.Contains("eu-2018-1805", Assert.Single(errors["regime"]));
    }

    [Theory]
    [InlineData(RegimeIds.Eu2018_1805)]
    [InlineData(RegimeIds.Fd2006_783)]
    [InlineData(RegimeIds.Uncac57)]
    public void Counterparty_is_required_for_state_to_state_regimes(string regime)
    {
        var errors = Rejected(Input(regime, "NL", null, assets: [Asset(1m)]));

        Assert.Contains("required", Assert.Single(errors["counterparty"]));
    }

    [Fact]
    public void Counterparty_is_required_for_bilateral()
    {
        var errors = Rejected(Input(RegimeIds.Bilateral, "NL", null, new BilateralParameters(50m), assets: [Asset(1m)]));

        Assert.Single(errors["counterparty"]);
    }

    [Theory]
    [InlineData(RegimeIds.Domestic)]
    [InlineData(RegimeIds.UsEquitable)]
    [InlineData(RegimeIds.UkAris)]
    public void Counterparty_must_be_absent_where_payees_come_from_parameters(string regime)
    {
        RegimeParameters? parameters = regime switch
        {
            RegimeIds.UsEquitable => new UsEquitableParameters([new("A", 10m)]),
            RegimeIds.UkAris => new UkArisParameters("NCA", "CPS"),
            _ => null,
        };
        var errors = Rejected(Input(regime, "NL", "DE", parameters, assets: [Asset(1m)]));

        Assert.Contains("must be absent", Assert.Single(errors["counterparty"]));
    }

    [Theory]
    [InlineData("DEU")]
    [InlineData("D1")]
    [InlineData("nl")]
    public void Counterparty_must_be_an_alpha2_code_of_another_state(string counterparty)
    {
        var errors = Rejected(Input(RegimeIds.Eu2018_1805, "NL", counterparty, assets: [Asset(1m)]));

        Assert.Single(errors["counterparty"]);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(100.01)]
    public void Bilateral_percent_outside_0_to_100_is_an_error(double percent)
    {
        var errors = Rejected(Input(RegimeIds.Bilateral, "NL", "US", new BilateralParameters((decimal)percent), assets: [Asset(1m)]));

        Assert.Single(errors["parameters.counterpartyPercent"]);
    }

    [Fact]
    public void Bilateral_without_parameters_is_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Bilateral, "NL", "US", assets: [Asset(1m)]));

        Assert.Single(errors["parameters"]);
    }

    [Fact]
    public void Parameters_of_another_regime_are_an_error()
    {
        var errors = Rejected(Input(RegimeIds.UkAris, "GB", parameters: new BilateralParameters(50m), assets: [Asset(1m, "GBP")]));

        Assert.Single(errors["parameters"]);
    }

    [Fact]
    public void Parameters_for_a_regime_without_parameters_are_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Eu2018_1805, "NL", "DE", new BilateralParameters(50m), assets: [Asset(1m)]));

        Assert.Single(errors["parameters"]);
    }

    [Fact]
    public void Us_equitable_needs_agencies_with_valid_percentages()
    {
        Assert.Single(Rejected(Input(RegimeIds.UsEquitable, "US", assets: [Asset(1m, "USD")]))["parameters"]);
        Assert.Single(Rejected(Input(RegimeIds.UsEquitable, "US", parameters: new UsEquitableParameters([]), assets: [Asset(1m, "USD")]))["parameters.agencies"]);
        var errors = Rejected(Input(RegimeIds.UsEquitable, "US", parameters: new UsEquitableParameters([new("A", 120m), new(" ", 10m), new("A", 5m)]),
            assets: [Asset(1m, "USD")]));
        Assert.Single(errors["parameters.agencies[0].contributionPercent"]);
        Assert.Single(errors["parameters.agencies[1].agency"]);
        Assert.Contains("more than once", Assert.Single(errors["parameters.agencies"]));
    }

    [Fact]
    public void Uk_aris_needs_both_agencies()
    {
        var errors = Rejected(Input(RegimeIds.UkAris, "GB", parameters: new UkArisParameters("", "CPS"), assets: [Asset(1m, "GBP")]));

        Assert.Single(errors["parameters.investigatingAgency"]);
        Assert.False(errors.ContainsKey("parameters.prosecutingAgency"));
    }

    [Fact]
    public void Uncac_expenses_must_be_valid_money()
    {
        var errors = Rejected(Input(RegimeIds.Uncac57, "CH", "NG", new Uncac57Parameters(M(-1m, "USD")), assets: [Asset(1m, "USD")]));

        Assert.Single(errors["parameters.expenses"]);
    }

    [Fact]
    public void Amounts_with_too_many_decimals_or_negative_are_errors()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [Asset(1.001m), Asset(-1m)], claims: [Claim(1.5m, "JPY")]));

        Assert.True(errors.ContainsKey("assets[0].proceedsKept"));
        Assert.True(errors.ContainsKey("assets[1].proceedsKept"));
        Assert.True(errors.ContainsKey("victimClaims[0].outstanding"));
    }

    [Fact]
    public void The_same_asset_twice_is_an_error()
    {
        var asset = Asset(1m);
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [asset, asset]));

        Assert.Single(errors["assetIds"]);
    }

    [Fact]
    public void Invalid_rates_are_errors()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [Asset(1m)],
            rates: [Rate("EUR", "XXX", 1m, FxPurpose.Conversion), Rate("EUR", "GBP", 0m, FxPurpose.Conversion), Rate("EUR", "EUR", 1m, FxPurpose.Conversion)]));

        Assert.True(errors.ContainsKey("fx[0].quote"));
        Assert.True(errors.ContainsKey("fx[1].rate"));
        Assert.True(errors.ContainsKey("fx[2]"));
    }

    [Fact]
    public void No_assets_is_nothing_to_distribute()
    {
        Assert.IsType<NothingToDistribute>(DistributionCalculator.Calculate(Input(RegimeIds.Domestic, "NL")));
    }

    [Fact]
    public void Proceeds_of_zero_are_nothing_to_distribute()
    {
        var outcome = DistributionCalculator.Calculate(Input(RegimeIds.Domestic, "NL", assets: [Asset(0m, costs: 5m)], claims: [Claim(10m)]));

        Assert.IsType<NothingToDistribute>(outcome);
    }

    [Fact]
    public void Unknown_target_currency_is_an_error()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", currency: "EURO", assets: [Asset(1m)]));

        Assert.Single(errors["currency"]);
    }

    [Fact]
    public void Calculation_is_deterministic()
    {
        var input = Input(RegimeIds.UsEquitable, "US", parameters: new UsEquitableParameters([new("A", 33m), new("B", 33m), new("C", 33m)]),
            assets: [Asset(12_345.67m, "USD", costs: 99.99m)], claims: [Claim(1_000m, "USD"), Claim(2_000m, "USD", rank: 1, victimRef: "V-2")]);

        var a = Ok(input);
        var b = Ok(input);

        Assert.Equal(a.Allocations, b.Allocations);
        Assert.Equal(a.Explanation, b.Explanation);
    }

    [Fact]
    public void Money_helper_rejects_what_the_calculator_rejects()
    {
        Assert.False(Money.TryCreate(1.001m, "EUR", out _, out _));
    }
}
