namespace AssetLedger.Core.Distribution.Regimes;

using AssetLedger.Core.Money;

/// <summary>
/// The two EU mutual-recognition rules: below (or at) EUR 10,000.00 everything stays with the executing State (us);
/// above it, 50 % of R (rounded half-up) goes to the issuing State and we keep the rest. Costs are not deducted.
/// </summary>
internal abstract class HalfAboveEurThresholdRegime : ISharingRegime
{
    public abstract string Id { get; }
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => true;
    protected abstract string Basis { get; }
    protected abstract string CostsBasis { get; }

    /// <summary>Whether R (in EUR, rounded to cents) is shared; the comparison differs at exactly EUR 10,000.00.</summary>
    protected abstract bool IsShared(decimal remainderInEur);
    protected abstract string Comparison(bool shared);

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors) =>
        RegimeParameterChecks.ExpectNone(Id, parameters, errors);

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        context.Explain($"{CostsBasis}: realisation costs ({Text.Amount(context.RealisationCosts)}) are not deducted; each State bears its own.");
        var eur = EurThreshold.ToEur(context);
        if (eur is null) return null;
        var shared = IsShared(eur.Value);
        context.Explain($"{Basis}: R = {Text.Amount(new Money(eur.Value, EurThreshold.Currency))} {Comparison(shared)} EUR 10,000.00.");
        if (!shared)
        {
            context.Explain($"So all of R stays with the executing State {context.Input.Jurisdiction}.");
            return [];
        }
        var share = context.HalfUpShare(context.Remainder, 50m, 100m);
        context.Explain($"So 50 % of R goes to the issuing State {context.CounterpartyState.Id}: "
                        + $"{Text.Amount(context.Remainder)} × 50 % = {Text.Amount(share)}, {Text.HalfUp(context.Currency)}.");
        return share.Amount > 0m ? [new Allocation(AllocationKind.Share, context.CounterpartyState, share, Retained: false)] : [];
    }
}

/// <summary>
/// <c>eu-2018-1805</c>: Regulation (EU) 2018/1805 on the mutual recognition of freezing and confiscation orders,
/// Art 30(7)(a)-(b): amounts ≤ EUR 10,000 accrue to the executing State; above, 50 % is transferred to the issuing
/// State. Art 31: each State bears its own costs. Victims first: Art 30(1)-(5) (done before this rule).
/// </summary>
internal sealed class Eu2018_1805Regime : HalfAboveEurThresholdRegime
{
    public override string Id => RegimeIds.Eu2018_1805;
    protected override string Basis => "Reg. (EU) 2018/1805 Art 30(7)";
    protected override string CostsBasis => "Reg. (EU) 2018/1805 Art 31";
    protected override bool IsShared(decimal remainderInEur) => remainderInEur > EurThreshold.Amount;
    protected override string Comparison(bool shared) => shared ? "is more than" : "is not more than";
}

/// <summary>
/// <c>fd-2006-783</c>: Council Framework Decision 2006/783/JHA on mutual recognition of confiscation orders,
/// Art 16(1)(a)-(b): amounts below EUR 10,000 accrue to the executing State; in all other cases 50 % is transferred to
/// the issuing State. Costs are not deducted (distribution.md): each State bears its own costs of execution.
/// </summary>
internal sealed class Fd2006_783Regime : HalfAboveEurThresholdRegime
{
    public override string Id => RegimeIds.Fd2006_783;
    protected override string Basis => "FD 2006/783/JHA Art 16(1)";
    protected override string CostsBasis => "FD 2006/783/JHA";
    protected override bool IsShared(decimal remainderInEur) => remainderInEur >= EurThreshold.Amount;
    protected override string Comparison(bool shared) => shared ? "is at least" : "is less than";
}
