namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

public enum AllocationKind { Victim, Costs, Share }

public enum PayeeType { Victim, State, Agency, Treasury }

/// <summary>Who receives an allocation. State ids are upper case; the treasury id is our jurisdiction code.</summary>
public sealed record Payee(PayeeType Type, string Id);

/// <summary>
/// One allocation of the base. <paramref name="Retained"/> is true for what our own treasury keeps.
/// For victims, <paramref name="VictimClaimId"/> names the claim and <paramref name="ClaimReduction"/> is how much
/// of the claim's outstanding amount (in the claim's own currency) this allocation pays off.
/// </summary>
public sealed record Allocation(
    AllocationKind Kind, Payee Payee, Money Amount, bool Retained,
    Guid? VictimClaimId = null, Money? ClaimReduction = null);

/// <summary>An asset's contribution to the base, before and after conversion to the base currency.</summary>
public sealed record AssetInBase(Guid AssetId, Money ProceedsKept, Money ProceedsInBase, Money RealisationCosts, Money CostsInBase);

/// <summary>The calculator's answer: a result, a validation failure (400) or nothing to distribute (409).</summary>
public abstract record DistributionOutcome;

/// <summary>Validation failure: field → messages, ready for an RFC 9457 <c>errors</c> member (e.g. <c>fx</c>).</summary>
public sealed record DistributionRejected(IReadOnlyDictionary<string, string[]> Errors) : DistributionOutcome;

/// <summary>No asset chosen, or the proceeds kept add up to zero.</summary>
public sealed record NothingToDistribute(string Reason) : DistributionOutcome;

/// <summary>
/// A computed distribution. <see cref="Allocations"/> are in a stable order: victims in payment order, then costs,
/// then shares to others, then our retained share last; zero allocations are omitted; they add up to
/// <see cref="Base"/> exactly. Store it whole, together with the <see cref="DistributionInput"/>.
/// </summary>
public sealed record DistributionResult(
    string Regime,
    string RuleVersion,
    string Jurisdiction,
    string? Counterparty,
    Money Base,
    Money Remainder,
    IReadOnlyList<AssetInBase> Assets,
    IReadOnlyList<Allocation> Allocations,
    IReadOnlyList<FxRate> RatesUsed,
    IReadOnlyList<string> Explanation,
    string RoundingRule) : DistributionOutcome;
