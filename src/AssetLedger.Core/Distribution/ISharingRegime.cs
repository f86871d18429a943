namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// One sharing rule applied to the remainder R (what is left after victims). A regime returns the allocations
/// it makes to costs and to other parties; the calculator gives our treasury exactly the rest.
/// </summary>
internal interface ISharingRegime
{
    string Id { get; }

    /// <summary>Stored with the distribution, e.g. <c>eu-2018-1805@1</c>; bump when the rule changes.</summary>
    string RuleVersion { get; }

    bool NeedsCounterparty { get; }

    void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors);

    /// <summary>Allocations other than our retained share, in order (costs, then shares); null when errors were added.</summary>
    IReadOnlyList<Allocation>? Apply(RegimeContext context);
}

/// <summary>What a regime sees: R, the realisation costs in R's currency, the payees, rates and an explanation to add to.</summary>
internal sealed class RegimeContext(
    DistributionInput input, Money remainder, Money realisationCosts, FxBook fx, ValidationErrors errors, List<string> explanation)
{
    public DistributionInput Input { get; } = input;
    public Money Remainder { get; } = remainder;
    public Money RealisationCosts { get; } = realisationCosts;
    public FxBook Fx { get; } = fx;
    public ValidationErrors Errors { get; } = errors;
    public string Currency => Remainder.Currency;
    public int MinorUnit => Currencies.MinorUnitOf(Currency);

    public Payee Treasury => new(PayeeType.Treasury, Input.Jurisdiction);
    public Payee CounterpartyState => new(PayeeType.State, Input.Counterparty!.ToUpperInvariant());

    public void Explain(string line) => explanation.Add(line);

    public Money Of(decimal amount) => new(amount, Currency);

    /// <summary><paramref name="fraction"/> of <paramref name="amount"/>, half-up to the minor unit (a share paid to another party).</summary>
    public Money HalfUpShare(Money amount, decimal numerator, decimal denominator) =>
        Of(Rounding.HalfUp(amount.Amount * numerator / denominator, MinorUnit));

    /// <summary>Allocates realisation costs (at most R) to us as <c>costs</c>; returns what is left.</summary>
    public Money DeductCosts(List<Allocation> allocations, string basis)
    {
        var costs = Of(Math.Min(RealisationCosts.Amount, Remainder.Amount));
        if (costs.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Costs, Treasury, costs, Retained: true));
        var capped = costs.Amount < RealisationCosts.Amount ? $" (at most R; realisation costs were {Text.Amount(RealisationCosts)})" : "";
        Explain(RealisationCosts.Amount == 0m
            ? $"{basis}: there are no realisation costs to deduct."
            : $"{basis}: realisation costs {Text.Amount(costs)} are deducted first and kept by {Input.Jurisdiction} as costs{capped}.");
        return Remainder - costs;
    }
}
