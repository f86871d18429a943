using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Cases;

// Treasury facts on the case stream: victim claims, distributions and their settlements. Keeping
// them on the case stream serialises "an asset is distributed at most once" and "never settle more
// than an allocation" through the case stream's version.

public sealed record VictimClaimRegistered(Guid ClaimId, string VictimRef, Money Amount, string Basis, int? PriorityRank) : ICaseEvent;

/// <summary>One allocation as stored: the calculator's allocation plus the id payments refer to.</summary>
public sealed record StoredAllocation(Guid AllocationId, Allocation Allocation);

/// <summary>Every input and every output of one distribution, with the rule version and rounding rule inside the result.</summary>
public sealed record DistributionComputed(
    Guid DistributionId, DistributionInput Input, DistributionResult Result, IReadOnlyList<StoredAllocation> Allocations, Instant ComputedAt) : ICaseEvent;

public sealed record AllocationSettled(Guid DistributionId, Guid AllocationId, Money Amount, LocalDate SettledOn, string BankReference) : ICaseEvent;

public sealed record VictimClaim(Guid ClaimId, string VictimRef, Money Amount, string Basis, int? PriorityRank, int RegistrationOrder, Money Paid)
{
    /// <summary>What distributions have not yet allocated to this claim (settled or not), in the claim's currency.</summary>
    public Money Outstanding => Amount - Paid;
}

public sealed record AllocationState(Guid AllocationId, Allocation Allocation, Money Settled)
{
    public Money Remaining => Allocation.Amount - Settled;
}

public sealed record DistributionState(Guid DistributionId, DistributionComputed Computed, IReadOnlyList<AllocationState> Allocations);

public static class Treasury
{
    public static IReadOnlyList<VictimClaim> Register(IReadOnlyList<VictimClaim> claims, VictimClaimRegistered e) =>
        [.. claims, new VictimClaim(e.ClaimId, e.VictimRef, e.Amount, e.Basis, e.PriorityRank, claims.Count + 1, Money.Zero(e.Amount.Currency))];

    /// <summary>A distribution reduces the outstanding amount of the claims it paid (in each claim's currency).</summary>
    public static IReadOnlyList<VictimClaim> ApplyPayments(IReadOnlyList<VictimClaim> claims, DistributionComputed e) =>
        claims.Select(c => e.Allocations
                .Where(a => a.Allocation.VictimClaimId == c.ClaimId)
                .Aggregate(c, (claim, a) => claim with { Paid = claim.Paid + (a.Allocation.ClaimReduction ?? a.Allocation.Amount) }))
            .ToList();

    public static DistributionState Start(DistributionComputed e) =>
        new(e.DistributionId, e, e.Allocations.Select(a => new AllocationState(a.AllocationId, a.Allocation, Money.Zero(a.Allocation.Amount.Currency))).ToList());

    public static IReadOnlyList<DistributionState> Settle(IReadOnlyList<DistributionState> distributions, AllocationSettled e) =>
        distributions.Select(d => d.DistributionId != e.DistributionId ? d : d with
        {
            Allocations = d.Allocations.Select(a => a.AllocationId == e.AllocationId ? a with { Settled = a.Settled + e.Amount } : a).ToList(),
        }).ToList();

    /// <summary>The claims as the calculator wants them: outstanding only, with their registration order.</summary>
    public static IReadOnlyList<OutstandingVictimClaim> Outstanding(IEnumerable<VictimClaim> claims) =>
        claims.Where(c => c.Outstanding.Amount > 0)
              .Select(c => new OutstandingVictimClaim(c.ClaimId, c.VictimRef, c.Outstanding, c.PriorityRank, c.RegistrationOrder))
              .ToList();

    /// <summary>Invariant 6: partial settlements are fine, over-settlement and settling what we retain are refused.</summary>
    public static string? RefuseSettlement(DistributionState distribution, Guid allocationId, Money amount)
    {
        var allocation = distribution.Allocations.FirstOrDefault(a => a.AllocationId == allocationId);
        if (allocation is null) return $"Allocation {allocationId} is not part of distribution {distribution.DistributionId}.";
        if (allocation.Allocation.Retained) return "This allocation is retained by our own treasury; there is nothing to pay out.";
        if (amount.Currency != allocation.Allocation.Amount.Currency)
            return $"The allocation is in {allocation.Allocation.Amount.Currency}; a settlement in {amount.Currency} cannot be applied.";
        if (amount.Amount > allocation.Remaining.Amount)
            return $"Settling {amount} would exceed the allocation: {allocation.Settled} of {allocation.Allocation.Amount} is already settled.";
        return null;
    }
}
