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

    /// <summary>
    /// GBP 100.00 at 1 EUR = 0.85 GBP is worth EUR 117.65. Paid EUR 117.63 now, the claim must keep what
    /// is still worth EUR 0.02 (GBP 0.02), not GBP 0.01 (the payment converted back, half-up: GBP 99.99),
    /// which a later distribution would pay as EUR 0.01, a cent short.
    /// </summary>
    [Fact]
    public void A_partly_paid_foreign_claim_keeps_what_is_still_worth_the_rest_of_its_value()
    {
        var rate = Rate("EUR", "GBP", 0.85m, FxPurpose.Victim);
        var first = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(117.63m)], claims: [Claim(100.00m, "GBP")], rates: [rate]));
        Assert.Equal(["victim victim:V-1 117.63"], Lines(first));
        Assert.Equal(M(99.98m, "GBP"), first.Allocations[0].ClaimReduction);

        var second = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(1_000.00m)], claims: [Claim(0.02m, "GBP")], rates: [rate]));
        Assert.Equal("victim victim:V-1 0.02", Lines(second)[0]); // 117.63 + 0.02 = 117.65, the claim's whole value
    }

    /// <summary>EUR 100.00 at 1 EUR = 160 JPY is JPY 16,000; paid JPY 15,999, the JPY 1 left is worth less than
    /// a cent: the claim keeps EUR 0.01 (JPY 2 later), one yen over rather than one short.</summary>
    [Fact]
    public void When_the_rest_is_worth_less_than_a_minor_unit_of_the_claim_the_victim_is_not_short()
    {
        var result = Ok(Input(RegimeIds.Domestic, "NL", assets: [Asset(15_999m, "JPY")], claims: [Claim(100.00m)], currency: "JPY",
            rates: [Rate("EUR", "JPY", 160m, FxPurpose.Victim)]));
        Assert.Equal(M(99.99m), result.Allocations[0].ClaimReduction);
    }

    private static readonly (string Claim, string Base)[] Pairs = [("GBP", "EUR"), ("EUR", "JPY"), ("KWD", "EUR"), ("JPY", "EUR"), ("EUR", "KWD")];

    private static decimal Unit(string currency) => new(1, 0, 0, false, (byte)AssetLedger.Core.Money.Currencies.MinorUnitOf(currency));

    /// <summary>
    /// A foreign claim paid in two distributions at one rate, the first too small for it: the victim gets
    /// at least the claim's whole value in the base currency, and over it by at most what one minor unit of
    /// the claim's currency is worth (plus the half-up of that).
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 3000)]
    public bool A_foreign_claim_paid_over_two_distributions_gets_its_whole_value(FsCheck.PositiveInt claimUnits, FsCheck.PositiveInt rateThousandths,
        byte pair, bool claimIsRateBase, FsCheck.PositiveInt share)
    {
        var (claimCurrency, baseCurrency) = Pairs[pair % Pairs.Length];
        var claim = (claimUnits.Get % 10_000_000) * Unit(claimCurrency) + Unit(claimCurrency);
        var r = (rateThousandths.Get % 1_000_000 + 1) / 1000m;
        var rate = claimIsRateBase ? Rate(claimCurrency, baseCurrency, r, FxPurpose.Victim) : Rate(baseCurrency, claimCurrency, r, FxPurpose.Victim);
        var toBase = claimIsRateBase ? r : 1m / r;
        var big = Asset(1_000_000_000_000m, baseCurrency);
        DistributionResult Pay(RealisedAssetProceeds asset, decimal outstanding) =>
            Ok(Input(RegimeIds.Domestic, "NL", assets: [asset], claims: [Claim(outstanding, claimCurrency)], currency: baseCurrency, rates: [rate]));
        decimal VictimPaid(DistributionResult d) => d.Allocations.Where(a => a.Kind == AllocationKind.Victim).Sum(a => a.Amount.Amount);

        var value = VictimPaid(Pay(big, claim));
        var baseUnit = Unit(baseCurrency);
        if (value <= baseUnit) return true; // nothing to split
        var first = baseUnit * (1 + share.Get % (int)Math.Min(int.MaxValue - 1, value / baseUnit - 1));
        var partly = Pay(Asset(first, baseCurrency), claim);
        var reduction = partly.Allocations.Single(a => a.Kind == AllocationKind.Victim).ClaimReduction!.Value.Amount;
        var rest = claim - reduction;
        var total = first + (rest > 0m ? VictimPaid(Pay(big, rest)) : 0m);
        return VictimPaid(partly) == first && reduction >= 0m && reduction <= claim
            && total >= value && total <= value + Unit(claimCurrency) * toBase + baseUnit;
    }

    [Fact]
    public void A_claim_in_another_currency_without_victim_rate_is_an_fx_error()
    {
        var errors = Rejected(Input(RegimeIds.Domestic, "NL", assets: [Asset(5_000.00m)], claims: [Claim(850.00m, "GBP")],
            rates: [Rate("EUR", "GBP", 0.85m, FxPurpose.Conversion)]));

        Assert.Contains(errors["fx"], m => m.Contains("EUR/GBP") && m.Contains("purpose victim"));
    }
}
