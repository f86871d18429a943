namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// Computes a distribution of a case's realised proceeds (distribution.md): base → victims first → remainder R →
/// the regime's rule on R → our treasury keeps exactly the rest. A pure function: same input, same outcome.
/// </summary>
public static class DistributionCalculator
{
    public const string RoundingRule =
        "Every share paid to another party, every currency conversion and every threshold conversion is rounded half-up "
        + "(midpoint away from zero) to the minor unit of its currency; our treasury keeps exactly the rest, so the "
        + "allocations add up to the base exactly.";

    public static DistributionOutcome Calculate(DistributionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Check(input) is { } rejected) return rejected;
        if (input.Assets.Count == 0) return new NothingToDistribute("no realised assets were chosen");
        return Compute(input, SharingRegimes.Find(input.Regime)!, new ValidationErrors());
    }

    /// <summary>
    /// The input's own errors (codes, counterparty rule, amounts, rates, the regime's parameters),
    /// before any arithmetic; null when there are none. On a request alone (no assets, no claims) it
    /// is the 400 that comes before any refusal of the case's state (api.md's order).
    /// </summary>
    public static DistributionRejected? Check(DistributionInput input)
    {
        var errors = new ValidationErrors();
        var regime = SharingRegimes.Find(input.Regime);
        InputValidation.Check(input, regime, errors);
        regime?.ValidateParameters(input.Parameters, errors);
        return errors.Any ? errors.ToRejection() : null;
    }

    private static DistributionOutcome Compute(DistributionInput input, ISharingRegime regime, ValidationErrors errors)
    {
        var explanation = new List<string>();
        var fx = new FxBook(input.Rates);
        var proceeds = BaseProceeds.Compute(input, fx, errors, explanation);
        var victims = proceeds is null ? null : VictimsFirst.Pay(input, proceeds.Base, fx, errors, explanation);
        if (proceeds is null || victims is null) return errors.ToRejection();
        if (proceeds.Base.Amount == 0m) return new NothingToDistribute("the proceeds kept of the chosen assets add up to zero");

        var remainder = proceeds.Base - Sum(victims, proceeds.Base.Currency);
        explanation.Add($"Remainder R = base {Text.Amount(proceeds.Base)} − victims {Text.Amount(proceeds.Base - remainder)} = {Text.Amount(remainder)}.");
        var context = new RegimeContext(input, remainder, proceeds.RealisationCosts, fx, errors, explanation);
        var regimeAllocations = regime.Apply(context);
        if (regimeAllocations is null || errors.Any) return errors.ToRejection();

        var retained = remainder - Sum(regimeAllocations, remainder.Currency);
        if (retained.Amount < 0m) throw new InvalidOperationException($"Regime {regime.Id} allocated more than R.");
        explanation.Add($"{input.Jurisdiction} keeps the rest: {Text.Amount(retained)}.");
        explanation.Add("Rounding: " + RoundingRule);

        var allocations = victims.Concat(regimeAllocations).ToList();
        if (retained.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Share, context.Treasury, retained, Retained: true));
        return new DistributionResult(regime.Id, regime.RuleVersion, input.Jurisdiction,
            InputValidation.HasCounterparty(input) ? input.Counterparty!.ToUpperInvariant() : null,
            proceeds.Base, remainder, proceeds.Assets, allocations, fx.Used.ToList(), explanation, RoundingRule);
    }

    private static Money Sum(IEnumerable<Allocation> allocations, string currency) =>
        new(allocations.Sum(a => a.Amount.Amount), currency);
}
