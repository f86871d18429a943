using AssetLedger.Core.Distribution;
using FsCheck.Xunit;

namespace AssetLedger.Core.Tests.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// Invariants of distribution.md over random inputs of every regime (domain.md invariants 3 and 4). Expected values are
/// recomputed here from the rules (an independent oracle), not taken from the calculator.
/// </summary>
public class when_distributing_random_inputs
{
    private const int Runs = 1000;

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = Runs)]
    public void Allocations_add_up_exactly_to_the_base(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        Assert.Equal(ExpectedBase(s.Input), r.Base);
        Assert.All(r.Allocations, a => Assert.Equal(r.Base.Currency, a.Amount.Currency));
        Assert.Equal(r.Base.Amount, r.Allocations.Sum(a => a.Amount.Amount));
    }

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = Runs)]
    public void No_allocation_is_zero_negative_or_finer_than_the_minor_unit(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        var minor = Currencies.MinorUnitOf(r.Base.Currency);
        Assert.All(r.Allocations, a =>
        {
            Assert.True(a.Amount.Amount > 0m, $"{D.Line(a)} is not positive");
            Assert.True(Money.DecimalPlaces(a.Amount.Amount) <= minor, $"{D.Line(a)} has more than {minor} decimals");
        });
    }

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = Runs)]
    public void Victims_are_paid_in_order_before_anything_else(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        var remaining = r.Base.Amount;
        var victims = r.Allocations.TakeWhile(a => a.Kind == AllocationKind.Victim).ToList();
        Assert.DoesNotContain(r.Allocations.Skip(victims.Count), a => a.Kind == AllocationKind.Victim);
        var paid = victims.ToDictionary(a => a.VictimClaimId!.Value, a => a.Amount.Amount);
        foreach (var claim in SpecOrder(s.Input.VictimClaims))
        {
            var due = Math.Min(remaining, ToBase(claim.Outstanding, r.Base.Currency, FxPurpose.Victim, s.Input.Rates));
            Assert.Equal(due, paid.GetValueOrDefault(claim.ClaimId));
            remaining -= due;
        }
        Assert.Equal(SpecOrder(s.Input.VictimClaims).Select(c => c.ClaimId).Where(paid.ContainsKey), victims.Select(v => v.VictimClaimId!.Value));
        // Anything beyond victims means every claim was paid in full (a foreign claim worth less than half a minor
        // unit of the base currency converts to zero and has nothing to pay).
        if (r.Allocations.Count > victims.Count)
            Assert.All(s.Input.VictimClaims.Where(c => ToBase(c.Outstanding, r.Base.Currency, FxPurpose.Victim, s.Input.Rates) > 0m),
                c => Assert.Equal(c.Outstanding.Amount,
                victims.FirstOrDefault(v => v.VictimClaimId == c.ClaimId)?.ClaimReduction?.Amount ?? 0m));
    }

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = Runs)]
    public void Treasury_keeps_the_rest_last_and_only_the_treasury_is_retained(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        Assert.All(r.Allocations, a => Assert.Equal(a.Payee.Type == PayeeType.Treasury, a.Retained));
        var treasuryShares = r.Allocations.Where(a => a.Retained && a.Kind == AllocationKind.Share).ToList();
        Assert.True(treasuryShares.Count <= 1);
        if (treasuryShares.Count == 1) Assert.Same(treasuryShares[0], r.Allocations[^1]);
        Assert.All(r.Allocations.Where(a => a.Retained), a => Assert.Equal("NL", a.Payee.Id));
        var kinds = r.Allocations.Select(a => a.Retained && a.Kind == AllocationKind.Share ? 3 : (int)a.Kind).ToList();
        Assert.Equal(kinds.Order(), kinds);
    }

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = Runs)]
    public void Shares_to_others_are_what_the_regime_allows(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        var others = r.Allocations.Where(a => a.Kind != AllocationKind.Victim && !a.Retained).ToList();
        var costs = r.Allocations.Where(a => a.Kind == AllocationKind.Costs).Sum(a => a.Amount.Amount);
        var remainder = r.Remainder.Amount;
        Assert.Equal(r.Base.Amount - r.Allocations.Where(a => a.Kind == AllocationKind.Victim).Sum(a => a.Amount.Amount), remainder);
        var expected = RegimeOracle.OtherShares(s.Input, r.Base.Currency, remainder, TotalCosts(s.Input, r.Base.Currency), out var expectedCosts);
        Assert.Equal(expectedCosts, costs);
        Assert.Equal(expected, others.Select(a => (a.Payee.Id, a.Amount.Amount)).ToList());
        if (s.Input.Regime == RegimeIds.UsEquitable)
            Assert.True(others.Sum(a => a.Amount.Amount) <= (remainder - costs) * 0.8m, "agencies get more than 80 % of the net");
        if (s.Input.Regime is RegimeIds.Eu2018_1805 or RegimeIds.Fd2006_783)
            Assert.True(others.Sum(a => a.Amount.Amount) <= Rounding.HalfUp(remainder / 2m, Currencies.MinorUnitOf(r.Base.Currency)));
    }

    [Property(Arbitrary = [typeof(DistributionArbitraries)], MaxTest = 200)]
    public void The_same_input_gives_the_same_result(Scenario s)
    {
        if (Compute(s) is not { } r) return;
        var again = Assert.IsType<DistributionResult>(DistributionCalculator.Calculate(s.Input));
        Assert.Equal(r.Allocations, again.Allocations);
        Assert.Equal(r.Explanation, again.Explanation);
    }

    [Property(MaxTest = Runs)]
    public void Eu_regimes_share_exactly_when_R_passes_the_threshold(bool fd, int offsetMinor, int victimMinor, bool inGbp)
    {
        var currency = inGbp ? "GBP" : "EUR";
        var remainder = (inGbp ? 8_500.00m : 10_000.00m) + offsetMinor % 300 / 100m;
        var victim = Math.Abs(victimMinor % 5_000) / 100m;
        var regime = fd ? RegimeIds.Fd2006_783 : RegimeIds.Eu2018_1805;
        var input = D.Input(regime, "NL", "DE", assets: [D.Asset(remainder + victim, currency)],
            claims: victim > 0m ? [D.Claim(victim, currency)] : [], rates: [D.Rate("EUR", "GBP", 0.85m, FxPurpose.Threshold)]);

        var result = D.Ok(input);

        var eur = inGbp ? Rounding.HalfUp(remainder / 0.85m, 2) : remainder;
        var shared = fd ? eur >= 10_000m : eur > 10_000m;
        var state = result.Allocations.Where(a => a.Payee.Type == PayeeType.State).Sum(a => a.Amount.Amount);
        Assert.Equal(shared ? Rounding.HalfUp(remainder / 2m, 2) : 0m, state);
        Assert.Equal(remainder - state, result.Allocations.Single(a => a.Retained).Amount.Amount);
    }

    /// <summary>The result, or null for the two outcomes a generated input may legitimately have.</summary>
    private static DistributionResult? Compute(Scenario s)
    {
        switch (DistributionCalculator.Calculate(s.Input))
        {
            case DistributionResult r:
                return r;
            case NothingToDistribute:
                Assert.Equal(0m, ExpectedBase(s.Input).Amount);
                return null;
            case DistributionRejected rejected:
                // Only uncac-57 expenses above R (unknown to the generator) may be refused.
                Assert.Equal(RegimeIds.Uncac57, s.Input.Regime);
                Assert.Equal(["parameters.expenses"], rejected.Errors.Keys);
                return null;
            default:
                throw new InvalidOperationException();
        }
    }

    private static Money ExpectedBase(DistributionInput input)
    {
        var target = input.Currency ?? input.Assets[0].ProceedsKept.Currency;
        return new Money(input.Assets.Sum(a => ToBase(a.ProceedsKept, target, FxPurpose.Conversion, input.Rates)), target);
    }

    private static decimal TotalCosts(DistributionInput input, string target) =>
        input.Assets.Sum(a => ToBase(a.RealisationCosts, target, FxPurpose.Conversion, input.Rates));

    private static IEnumerable<OutstandingVictimClaim> SpecOrder(IEnumerable<OutstandingVictimClaim> claims) =>
        claims.Where(c => c.Outstanding.Amount > 0m)
              .OrderBy(c => c.PriorityRank ?? int.MaxValue).ThenBy(c => c.PriorityRank is null).ThenBy(c => c.RegistrationOrder).ThenBy(c => c.ClaimId);

    /// <summary>Oracle conversion: 1 base = rate quote, in either direction, half-up to the target's minor unit.</summary>
    public static decimal ToBase(Money m, string target, FxPurpose purpose, IEnumerable<FxRate> rates)
    {
        if (m.Currency == target) return m.Amount;
        var rate = rates.Single(r => r.Purpose == purpose && ((r.Base == m.Currency && r.Quote == target) || (r.Base == target && r.Quote == m.Currency)));
        var raw = rate.Base == m.Currency ? m.Amount * rate.Rate : m.Amount / rate.Rate;
        return Rounding.HalfUp(raw, Currencies.MinorUnitOf(target));
    }
}

/// <summary>The regime table of distribution.md, written out directly for the property tests.</summary>
internal static class RegimeOracle
{
    public static List<(string Payee, decimal Amount)> OtherShares(DistributionInput input, string currency, decimal r, decimal totalCosts, out decimal costs)
    {
        var minor = Currencies.MinorUnitOf(currency);
        decimal Up(decimal x) => Rounding.HalfUp(x, minor);
        costs = 0m;
        var shares = new List<(string, decimal)>();
        switch (input.Parameters)
        {
            case BilateralParameters b:
                costs = b.DeductCosts ? Math.Min(totalCosts, r) : 0m;
                shares.Add(("DE", Up((r - costs) * b.CounterpartyPercent / 100m)));
                break;
            case Uncac57Parameters u:
                costs = u.Expenses?.Amount ?? 0m;
                shares.Add(("DE", r - costs));
                break;
            case UsEquitableParameters us:
                costs = Math.Min(totalCosts, r);
                shares.AddRange(UsEquitable(us, r - costs, minor));
                break;
            case UkArisParameters uk:
                shares.AddRange([(uk.InvestigatingAgency, Up(r * 0.1875m)), (uk.ProsecutingAgency, Up(r * 0.1875m)), ("HMCTS", Up(r * 0.125m))]);
                break;
            case null when input.Regime is RegimeIds.Eu2018_1805 or RegimeIds.Fd2006_783:
                var eur = currency == "EUR" ? r : Rounding.HalfUp(r / input.Rates.Single(x => x.Purpose == FxPurpose.Threshold).Rate, 2);
                var shared = input.Regime == RegimeIds.Eu2018_1805 ? eur > 10_000m : eur >= 10_000m;
                shares.Add(("DE", shared ? Up(r / 2m) : 0m));
                break;
        }
        return shares.Where(x => x.Item2 != 0m).ToList();
    }

    private static IEnumerable<(string, decimal)> UsEquitable(UsEquitableParameters p, decimal net, int minor)
    {
        var total = p.Agencies.Sum(a => a.ContributionPercent);
        var (scale, over) = total > 80m ? (80m, total) : (100m, 100m); // percent × 80/total, or as given
        var rounded = p.Agencies.Select(a => Rounding.HalfUp(net * a.ContributionPercent * scale / (over * 100m), minor)).ToArray();
        var excess = rounded.Sum() - Math.Round(net * 0.8m, minor, MidpointRounding.ToZero);
        for (var i = rounded.Length - 1; i >= 0 && excess > 0m; i--)
        {
            var give = Math.Min(rounded[i], excess);
            rounded[i] -= give;
            excess -= give;
        }
        return p.Agencies.Select((a, i) => (a.Agency, rounded[i]));
    }
}
