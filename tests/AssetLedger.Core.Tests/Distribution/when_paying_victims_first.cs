using AssetLedger.Core.Distribution;
using static AssetLedger.Core.Tests.Distribution.D;

namespace AssetLedger.Core.Tests.Distribution;

public class when_paying_victims_first
{
    [Fact]
    public void Victims_taking_everything_leave_no_share_and_no_zero_allocations()
    {
        var first = Claim(5_000.00m, rank: 1, victimRef: "V-1");
        var second = Claim(4_000.00m, rank: 2, victimRef: "V-2");
        var result = Ok(Input(RegimeIds.Eu2018_1805, "NL", "DE", assets: [Asset(8_000.00m)], claims: [second, first]));

        Assert.Equal(["victim victim:V-1 5000.00", "victim victim:V-2 3000.00"], Lines(result));
        Assert.Equal(M(0m), result.Remainder);
        Assert.Equal(M(3_000.00m), result.Allocations[1].ClaimReduction);
        AssertConserved(result);
    }

    [Fact]
    public void A_claim_larger_than_the_base_takes_the_whole_base()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(1_000.00m)], claims: [Claim(5_000.00m)]));

        Assert.Equal(["victim victim:V-1 1000.00"], Lines(result));
        Assert.Contains(result.Explanation, l => l.Contains("stays outstanding"));
    }

    [Fact]
    public void Ranked_claims_come_first_by_rank_then_unranked_by_registration_order()
    {
        var claims = new[]
        {
            Claim(100m, rank: null, order: 1, victimRef: "U-1"),
            Claim(100m, rank: 2, order: 2, victimRef: "R2"),
            Claim(100m, rank: 1, order: 3, victimRef: "R1-late"),
            Claim(100m, rank: null, order: 0, victimRef: "U-0"),
            Claim(100m, rank: 1, order: 2, victimRef: "R1-early"),
        };
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(450.00m)], claims: claims));

        Assert.Equal([
            "victim victim:R1-early 100.00", "victim victim:R1-late 100.00", "victim victim:R2 100.00",
            "victim victim:U-0 100.00", "victim victim:U-1 50.00"], Lines(result));
    }

    [Fact]
    public void Fully_paid_claims_leave_the_rest_to_the_regime()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(1_000.00m)], claims: [Claim(250.00m), Claim(0m, victimRef: "V-0")]));

        Assert.Equal(["victim victim:V-1 250.00", "share treasury:NL 750.00 retained"], Lines(result));
    }

    [Fact]
    public void A_claim_in_another_currency_is_converted_with_the_victim_rate()
    {
        var claim = Claim(850.00m, "GBP");
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(5_000.00m)], claims: [claim], rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Victim)]));

        Assert.Equal(["victim victim:V-1 1000.00", "share treasury:NL 4000.00 retained"], Lines(result));
        Assert.Equal(M(850.00m, "GBP"), result.Allocations[0].ClaimReduction);
    }

    [Fact]
    public void A_partly_paid_foreign_claim_reports_the_reduction_in_the_claim_currency()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(500.00m)], claims: [Claim(850.00m, "GBP")],
            rates: [Rate("GBP", "EUR", 1.2m, FxPurpose.Victim)]));

        Assert.Equal(["victim victim:V-1 500.00"], Lines(result));
        Assert.Equal(M(416.67m, "GBP"), result.Allocations[0].ClaimReduction);
    }

    [Fact]
    public void A_claim_in_another_currency_without_victim_rate_is_an_fx_error()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [Asset(5_000.00m)], claims: [Claim(850.00m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion)]));

        Assert.Contains(errors["fx"], m => m.Contains("EUR/GBP") && m.Contains("purpose victim"));
    }
}
