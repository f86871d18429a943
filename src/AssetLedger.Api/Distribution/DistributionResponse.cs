using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Distribution;

public enum AllocationStatus { Due, Settled, Retained }

public sealed record AllocationResponse(Guid AllocationId, AllocationKind Kind, Payee Payee, Money Amount, Money Settled, AllocationStatus Status, Guid? VictimClaimId);

/// <summary>A distribution as api.md shows it, with settlements applied, plus every stored input (additions).</summary>
public sealed record DistributionResponse(
    Guid DistributionId, Guid CaseId, string Regime, string? Counterparty, Money Base, IReadOnlyList<AllocationResponse> Allocations,
    IReadOnlyList<string> Explanation, Instant ComputedAt, string RuleVersion, string RoundingRule,
    IReadOnlyList<AssetInBase> Assets, IReadOnlyList<FxRate> Fx, RegimeParameters? Parameters)
{
    public static DistributionResponse From(Guid caseId, DistributionState d)
    {
        var r = d.Computed.Result;
        return new DistributionResponse(d.DistributionId, caseId, r.Regime, r.Counterparty, r.Base,
            d.Allocations.Select(a => new AllocationResponse(a.AllocationId, a.Allocation.Kind, a.Allocation.Payee, a.Allocation.Amount, a.Settled,
                a.Allocation.Retained ? AllocationStatus.Retained : a.Settled.Amount >= a.Allocation.Amount.Amount ? AllocationStatus.Settled : AllocationStatus.Due,
                a.Allocation.VictimClaimId)).ToList(),
            r.Explanation, d.Computed.ComputedAt, r.RuleVersion, r.RoundingRule, r.Assets, d.Computed.Input.Rates, d.Computed.Input.Parameters);
    }
}
