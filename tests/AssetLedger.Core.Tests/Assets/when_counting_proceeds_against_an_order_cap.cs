using AssetLedger.Assets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AssetLedger.Tests.Assets;

using AssetLedger.Core.Money;
using static AssetLedger.Tests.Assets.AssetTestData;

/// <summary>
/// Invariant 5: the total kept (gross − returnedToOwner) under one confiscation order never exceeds its
/// maximum amount, across all assets; equal is allowed. Plus recording one order on several assets.
/// </summary>
public class when_counting_proceeds_against_an_order_cap
{
    private static readonly Guid OrderId = Guid.Parse("0f000000-0000-0000-0000-0000000000c1");
    private static readonly Guid AssetA = Guid.Parse("0a000000-0000-0000-0000-00000000000a");
    private static readonly Guid AssetB = Guid.Parse("0a000000-0000-0000-0000-00000000000b");
    private static readonly Guid OtherCase = Guid.Parse("0c000000-0000-0000-0000-0000000000ff");

    private static CourtOrder Confiscation(Money? cap) => Order(OrderId, OrderType.Confiscation, maxAmount: cap);

    private static CourtOrderLedger Ledger(Money? cap, params (Guid Asset, Money Kept)[] counted)
    {
        var events = new List<object> { new OrderRegistered(Confiscation(cap), CaseId), new OrderAppliedToAsset(AssetA), new OrderAppliedToAsset(AssetB) };
        events.AddRange(counted.Select(c => (object)new ProceedsCountedAgainstOrder(c.Asset, c.Kept)));
        CourtOrderLedger? ledger = null;
        long version = 0;
        foreach (var e in events) ledger = CourtOrderLedger.Evolve(ledger, e, ++version);
        return ledger!;
    }

    // ---- RefuseProceeds -----------------------------------------------------------------------------

    [Fact]
    public void Without_a_cap_any_proceeds_are_allowed()
    {
        Assert.Null(Ledger(null).RefuseProceeds(Eur(999_999_999.99m)));
        Assert.Null(Ledger(null, (AssetA, Eur(5_000_000m))).RefuseProceeds(new Money(1_000_000m, "USD")));
    }

    [Fact]
    public void A_ledger_without_an_order_refuses_nothing()
    {
        Assert.Null(new CourtOrderLedger().RefuseProceeds(Eur(1m)));
    }

    [Fact]
    public void Exactly_the_cap_is_allowed()
    {
        Assert.Null(Ledger(Eur(100_000m)).RefuseProceeds(Eur(100_000m)));
        Assert.Null(Ledger(Eur(100_000.00m)).RefuseProceeds(Eur(100_000m))); // scale does not matter
    }

    [Fact]
    public void One_cent_over_the_cap_is_refused()
    {
        var reason = Ledger(Eur(100_000m)).RefuseProceeds(Eur(100_000.01m));
        Assert.NotNull(reason);
        Assert.Contains("100000.01", reason);
    }

    [Fact]
    public void The_cap_is_cumulative_across_assets()
    {
        var ledger = Ledger(Eur(100_000m), (AssetA, Eur(60_000m)));
        Assert.Null(ledger.RefuseProceeds(Eur(40_000m)));
        Assert.NotNull(ledger.RefuseProceeds(Eur(40_000.01m)));

        var full = Ledger(Eur(100_000m), (AssetA, Eur(60_000m)), (AssetB, Eur(40_000m)));
        Assert.Equal(Eur(100_000m), Assert.Single(full.Realised));
        Assert.NotNull(full.RefuseProceeds(Eur(0.01m)));
        Assert.Null(full.RefuseProceeds(Eur(0m)));
    }

    [Fact]
    public void Proceeds_in_another_currency_than_the_cap_are_refused()
    {
        var reason = Ledger(Eur(100_000m)).RefuseProceeds(new Money(1m, "USD"));
        Assert.NotNull(reason);
        Assert.Contains("USD", reason);
        Assert.Contains("EUR", reason);
    }

    [Fact]
    public void The_kept_amount_of_a_realisation_is_what_counts_against_the_cap()
    {
        // gross 120 000, returned to owner 20 000: 100 000 kept, exactly the cap.
        var realise = Realise(gross: 120_000m, costs: 5_000m, returned: 20_000m);
        Assert.Null(Ledger(Eur(100_000m)).RefuseProceeds(realise.Gross - realise.Returned));
        Assert.NotNull(Ledger(Eur(99_999.99m)).RefuseProceeds(realise.Gross - realise.Returned));
    }

    /// <summary>Random proceeds (whole cents, some in another currency) against a random cap: accepting only what RefuseProceeds allows never exceeds the cap,
    /// and a refusal happens exactly when the running total plus the proceeds would go over it.</summary>
    [Property(MaxTest = 1000)]
    public void Accepted_proceeds_never_exceed_the_cap(PositiveInt capSteps, int[] proceedsCents, bool[] foreign)
    {
        // Proceeds are multiples of EUR 0.37 and so is the cap, so "exactly the cap" comes up as well as "one step over".
        var cap = Eur(capSteps.Get * 3.70m);
        var ledger = Ledger(cap);
        var accepted = 0m;
        long version = ledger.Version;
        for (var i = 0; i < proceedsCents.Length; i++)
        {
            var isForeign = i < foreign.Length && foreign[i];
            var kept = new Money(Math.Abs((long)proceedsCents[i]) * 37 / 100m, isForeign ? "USD" : "EUR");
            var refusal = ledger.RefuseProceeds(kept);
            var wouldExceed = isForeign || accepted + kept.Amount > cap.Amount;
            Assert.Equal(wouldExceed, refusal is not null);
            if (refusal is null)
            {
                ledger = CourtOrderLedger.Evolve(ledger, new ProceedsCountedAgainstOrder(i % 2 == 0 ? AssetA : AssetB, kept), ++version);
                accepted += kept.Amount;
            }
            var total = ledger.Realised.Where(m => m.Currency == "EUR").Sum(m => m.Amount);
            Assert.Equal(accepted, total);
            Assert.True(total <= cap.Amount, $"total {total} over cap {cap.Amount}");
            Assert.DoesNotContain(ledger.Realised, m => m.Currency != "EUR");
        }
    }

    // ---- RefuseApplying -----------------------------------------------------------------------------

    [Fact]
    public void The_first_recording_of_an_order_is_always_allowed()
    {
        Assert.Null(new CourtOrderLedger().RefuseApplying(Confiscation(Eur(1m)), CaseId));
    }

    [Fact]
    public void The_same_order_with_the_same_details_may_be_recorded_on_another_asset_of_the_case()
    {
        var ledger = Ledger(Eur(100_000m));
        Assert.Null(ledger.RefuseApplying(Confiscation(Eur(100_000m)), CaseId));
        Assert.Null(ledger.RefuseApplying(Confiscation(Eur(100_000.00m)), CaseId));
    }

    public static TheoryData<string> DetailChanges() => ["court", "reference", "issuedOn", "expiresOn", "maxAmount", "maxCurrency", "issuingState", "deadlines", "type"];

    [Theory]
    [MemberData(nameof(DetailChanges))]
    public void The_same_order_with_different_details_is_refused(string change)
    {
        var ledger = Ledger(Eur(100_000m));
        var o = Confiscation(Eur(100_000m));
        var changed = change switch
        {
            "court" => o with { Court = "Another court" },
            "reference" => o with { Reference = o.Reference + "-X" },
            "issuedOn" => o with { IssuedOn = o.IssuedOn.PlusDays(1) },
            "expiresOn" => o with { ExpiresOn = o.IssuedOn.PlusYears(1) },
            "maxAmount" => o with { MaxAmount = Eur(100_000.01m) },
            "maxCurrency" => o with { MaxAmount = new Money(100_000m, "USD") },
            "issuingState" => o with { IssuingState = "DE" },
            "deadlines" => o with { Deadlines = [new OrderDeadline("recognition", o.IssuedOn.PlusDays(45))] },
            "type" => o with { Type = OrderType.Restraint },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        var reason = ledger.RefuseApplying(changed, CaseId);
        Assert.NotNull(reason);
        Assert.Contains(OrderId.ToString(), reason);
    }

    [Fact]
    public void The_same_order_on_an_asset_of_another_case_is_refused()
    {
        var reason = Ledger(Eur(100_000m)).RefuseApplying(Confiscation(Eur(100_000m)), OtherCase);
        Assert.NotNull(reason);
        Assert.Contains("another case", reason);
    }
}
