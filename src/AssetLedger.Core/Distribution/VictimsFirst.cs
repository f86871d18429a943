namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// Step 1, victims first: outstanding claims are paid from the base before any sharing, in order of priority rank
/// (ranked before unranked), then registration order; each takes min(remaining, outstanding). Sources:
/// Reg. (EU) 2018/1805 Art 30(1)-(5); UK POCA 2002 s.13(5)-(6); UNTOC Art 14(2); UNCAC Art 57(3);
/// US Justice Manual 9-116.100 (remission and restoration before equitable sharing).
/// A claim in another currency is converted into the base currency with a <c>victim</c> rate, half-up.
/// </summary>
internal static class VictimsFirst
{
    private sealed record Claim(OutstandingVictimClaim Source, Money InBase, FxRate? Rate);

    public static IReadOnlyList<Allocation>? Pay(DistributionInput input, Money @base, FxBook fx, ValidationErrors errors, List<string> explanation)
    {
        var claims = Convert(input.VictimClaims, @base.Currency, fx, errors);
        if (claims is null) return null;
        if (claims.Count == 0) { explanation.Add("Victims first: no outstanding victim claims."); return []; }
        var remaining = @base;
        var allocations = new List<Allocation>();
        foreach (var claim in claims)
        {
            var paid = new Money(Math.Min(remaining.Amount, claim.InBase.Amount), @base.Currency);
            remaining -= paid;
            explanation.Add(Describe(claim, paid));
            if (paid.Amount > 0m)
                allocations.Add(new Allocation(AllocationKind.Victim, new Payee(PayeeType.Victim, claim.Source.VictimRef), paid,
                    Retained: false, claim.Source.ClaimId, Reduction(claim, paid)));
        }
        return allocations;
    }

    private static List<Claim>? Convert(IReadOnlyList<OutstandingVictimClaim> claims, string currency, FxBook fx, ValidationErrors errors)
    {
        var result = new List<Claim>();
        foreach (var c in Ordered(claims).Where(c => c.Outstanding.Amount > 0m))
        {
            if (fx.TryConvert(c.Outstanding, currency, FxPurpose.Victim, out var inBase, out var rate, out var error))
                result.Add(new Claim(c, inBase, rate));
            else
                errors.Add("fx", error!);
        }
        return errors.Any ? null : result;
    }

    /// <summary>Priority rank ascending, unranked after ranked, then registration order (claim id breaks ties).</summary>
    public static IEnumerable<OutstandingVictimClaim> Ordered(IEnumerable<OutstandingVictimClaim> claims) =>
        claims.OrderBy(c => c.PriorityRank is null ? 1 : 0).ThenBy(c => c.PriorityRank ?? 0)
              .ThenBy(c => c.RegistrationOrder).ThenBy(c => c.ClaimId);

    /// <summary>
    /// How much of the claim, in its own currency, this payment settles. A partly paid foreign claim keeps
    /// the least amount of its currency that is still worth the rest of its value in the base currency at
    /// the same rate, so that a later distribution at that rate pays the victim the whole value: never a
    /// minor unit short (converting the payment back, half-up, could leave the claim a unit too small),
    /// and over by at most what one minor unit of the claim's currency is worth.
    /// </summary>
    private static Money Reduction(Claim claim, Money paid)
    {
        if (claim.Rate is null) return paid;
        if (paid.Amount == claim.InBase.Amount) return claim.Source.Outstanding;
        var left = FxBook.LeastWorth(claim.InBase - paid, claim.Rate, claim.Source.Outstanding.Currency);
        return left.Amount >= claim.Source.Outstanding.Amount ? Money.Zero(left.Currency) : claim.Source.Outstanding - left;
    }

    private static string Describe(Claim claim, Money paid)
    {
        var s = claim.Source;
        var rank = s.PriorityRank is { } r ? $"rank {r}" : "unranked";
        var converted = claim.Rate is null ? "" : $" = {Text.Amount(claim.InBase)} at {Text.Rate(claim.Rate)}, {Text.HalfUp(claim.InBase.Currency)}";
        var partly = paid.Amount < claim.InBase.Amount ? "; the rest stays outstanding for a later distribution" : "";
        return $"Victims first: claim {s.VictimRef} ({rank}, registration {s.RegistrationOrder}) outstanding {Text.Amount(s.Outstanding)}{converted}; "
               + $"paid {Text.Amount(paid)}{partly}.";
    }
}
