namespace AssetLedger.Core.Distribution.Regimes;

using AssetLedger.Core.Money;

/// <summary>
/// <c>uncac-57</c>: United Nations Convention against Corruption Art 57(3)(a): embezzled public funds (and their
/// laundered proceeds) confiscated at the request of another State Party are returned to the requesting State;
/// Art 57(4): the requested State may deduct reasonable expenses. So R − expenses goes to the requesting State,
/// the expenses stay with us as <c>costs</c>. Expenses more than R are refused.
/// </summary>
internal sealed class Uncac57Regime : ISharingRegime
{
    public string Id => RegimeIds.Uncac57;
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => true;

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors)
    {
        var p = RegimeParameterChecks.Expect<Uncac57Parameters>(Id, parameters, errors, required: false);
        if (p?.Expenses is { } expenses) InputValidation.CheckMoney("parameters.expenses", expenses, errors);
    }

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        var expenses = (context.Input.Parameters as Uncac57Parameters)?.Expenses ?? Money.Zero(context.Currency);
        if (expenses.Amount == 0m) expenses = Money.Zero(context.Currency);
        if (!IsAcceptable(context, expenses)) return null;
        var allocations = new List<Allocation>();
        if (expenses.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Costs, context.Treasury, expenses, Retained: true));
        var returned = context.Remainder - expenses;
        if (returned.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Share, context.CounterpartyState, returned, Retained: false));
        context.Explain($"UNCAC Art 57(4): reasonable expenses {Text.Amount(expenses)} are kept by {context.Input.Jurisdiction} as costs.");
        context.Explain($"UNCAC Art 57(3)(a): R − expenses = {Text.Amount(returned)} is returned to the requesting State {context.CounterpartyState.Id}.");
        return allocations;
    }

    private static bool IsAcceptable(RegimeContext context, Money expenses)
    {
        if (expenses.Currency != context.Currency)
            context.Errors.Add("parameters.expenses", $"must be in {context.Currency}, the currency of the distribution");
        else if (expenses.Amount > context.Remainder.Amount)
            context.Errors.Add("parameters.expenses",
                $"{Text.Amount(expenses)} is more than what is left after victims (R = {Text.Amount(context.Remainder)})");
        else return true;
        return false;
    }
}
