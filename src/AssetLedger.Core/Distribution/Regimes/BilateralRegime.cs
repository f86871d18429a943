namespace AssetLedger.Core.Distribution.Regimes;

/// <summary>
/// <c>bilateral</c>: an asset-sharing agreement between two States (as envisaged by UNTOC Art 14(3)(b), UNCAC
/// Art 57(5) and the Council of Europe Warsaw Convention CETS 198 Art 25(3)). The counterparty gets
/// <c>counterpartyPercent</c> of R, rounded half-up; with <c>deductCosts</c> the realisation costs (at most R) are first
/// kept by us as <c>costs</c> and the percentage applies to what is left.
/// </summary>
internal sealed class BilateralRegime : ISharingRegime
{
    public string Id => RegimeIds.Bilateral;
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => true;

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors)
    {
        var p = RegimeParameterChecks.Expect<BilateralParameters>(Id, parameters, errors);
        if (p is not null) InputValidation.CheckPercent("parameters.counterpartyPercent", p.CounterpartyPercent, errors);
    }

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        var p = (BilateralParameters)context.Input.Parameters!;
        var allocations = new List<Allocation>();
        var left = p.DeductCosts ? context.DeductCosts(allocations, "Bilateral agreement (deductCosts)") : context.Remainder;
        if (!p.DeductCosts) context.Explain("Bilateral agreement: realisation costs are not deducted (deductCosts is false).");
        var share = context.HalfUpShare(left, p.CounterpartyPercent, 100m);
        context.Explain($"Bilateral agreement: {Text.Percent(p.CounterpartyPercent)} of {Text.Amount(left)} to {context.CounterpartyState.Id} = "
                        + $"{Text.Amount(share)}, {Text.HalfUp(context.Currency)}.");
        if (share.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Share, context.CounterpartyState, share, Retained: false));
        return allocations;
    }
}
