using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

/// <summary>The seven worked examples of distribution.md, with exact amounts.</summary>
public class when_computing_the_worked_examples
{
    [Fact]
    public void Example1_eu_250000_with_costs_splits_half_and_costs_are_not_deducted()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(250_000.00m, costs: 12_000.00m)]));

        Assert.Equal(["share state:DE 125000.00", "share treasury:NL 125000.00 retained"], Lines(result));
        Assert.Equal(M(250_000.00m), result.Base);
        Assert.Equal("eu-2018-1805@1", result.RuleVersion);
        AssertConserved(result);
    }

    [Fact]
    public void Example2_eu_exactly_10000_stays_with_us()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(10_000.00m)]));

        Assert.Equal(["share treasury:NL 10000.00 retained"], Lines(result));
    }

    [Fact]
    public void Example2_fd_exactly_10000_is_shared()
    {
        var result = Ok(Input(RegimeIds.Fd2006_783, "NL", "DE", assets: [Asset(10_000.00m)]));

        Assert.Equal(["share state:DE 5000.00", "share treasury:NL 5000.00 retained"], Lines(result));
        Assert.Equal("fd-2006-783@1", result.RuleVersion);
    }

    [Fact]
    public void Example3_eu_10000_01_rounds_the_issuing_share_half_up()
    {
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(10_000.01m)]));

        Assert.Equal(["share state:DE 5000.01", "share treasury:NL 5000.00 retained"], Lines(result));
    }

    [Fact]
    public void Example4_eu_victim_is_paid_first_then_the_remainder_is_halved()
    {
        var claim = Claim(40_000.00m, victimRef: "V-1");
        var result = Ok(Input(RegimeIds.Eu2018_1805, "ES", "IT", assets: [Asset(250_000.00m)], claims: [claim]));

        Assert.Equal(["victim victim:V-1 40000.00", "share state:IT 105000.00", "share treasury:ES 105000.00 retained"], Lines(result));
        Assert.Equal(claim.ClaimId, result.Allocations[0].VictimClaimId);
        Assert.Equal(M(40_000.00m), result.Allocations[0].ClaimReduction);
        Assert.Equal(M(210_000.00m), result.Remainder);
    }

    [Fact]
    public void Example5_uncac_returns_R_minus_expenses_to_the_requesting_state()
    {
        var result = Ok(Input(RegimeIds.Uncac57, "CH", "NG", new Uncac57Parameters(M(30_000.00m, "USD")),
            assets: [Asset(1_000_000.00m, "USD")]));

        Assert.Equal(["costs treasury:CH 30000.00 retained", "share state:NG 970000.00"], Lines(result));
        AssertConserved(result);
    }

    [Fact]
    public void Example6_us_equitable_victims_costs_agency_and_federal_share()
    {
        var result = Ok(Input(RegimeIds.UsEquitable, "US", parameters: new UsEquitableParameters([new AgencyContribution("PD-LA", 60m)]),
            assets: [Asset(500_000.00m, "USD", costs: 20_000.00m)], claims: [Claim(300_000.00m, "USD", victimRef: "V-7")]));

        Assert.Equal([
            "victim victim:V-7 300000.00", "costs treasury:US 20000.00 retained",
            "share agency:PD-LA 108000.00", "share treasury:US 72000.00 retained"], Lines(result));
        AssertConserved(result);
    }

    [Fact]
    public void Example7_uk_aris_reparation_order_first_then_the_incentivisation_split()
    {
        var result = Ok(Input(RegimeIds.UkAris, "GB", parameters: new UkArisParameters("NCA", "CPS"),
            assets: [Asset(50_000.00m, "GBP")], claims: [Claim(30_000.00m, "GBP", victimRef: "STRO-1")]));

        Assert.Equal([
            "victim victim:STRO-1 30000.00", "share agency:NCA 3750.00", "share agency:CPS 3750.00",
            "share agency:HMCTS 2500.00", "share treasury:GB 10000.00 retained"], Lines(result));
        AssertConserved(result);
    }
}
