using AssetLedger.Core.Distribution;

namespace AssetLedger.Cases;

/// <summary>One payee's balance in one currency: what distributions allocated to it, what was paid, over how many distributions.</summary>
public sealed record PayeeBalance(Payee Payee, string Currency, decimal Due, decimal Settled, int Distributions)
{
    public decimal Outstanding => Due - Settled;
}

/// <summary>
/// One case's part of the treasury reconciliation, folded from the case's distribution and
/// settlement events only: a balance per payee and currency, and which balance each allocation
/// belongs to (for its settlements). Small and flat, so that reconciling a jurisdiction reads a
/// few hundred bytes per case instead of every case with its distributions' inputs and
/// explanations. Our own treasury's retained share is not a payee: it is left out, as in the report.
/// </summary>
public sealed record CaseBalances(Guid Id, IReadOnlyList<PayeeBalance> Balances, IReadOnlyDictionary<Guid, int> Allocations)
{
    /// <summary>Whether an allocation is owed to someone else (not retained by, nor paid to, our own treasury).</summary>
    public static bool IsPayable(Allocation a) => !a.Retained && a.Payee.Type != PayeeType.Treasury;

    public static CaseBalances? Evolve(CaseBalances? state, Guid caseId, object e) => e switch
    {
        DistributionComputed d => Distribute(state ?? new CaseBalances(caseId, [], new Dictionary<Guid, int>()), d),
        AllocationSettled s when state is not null && state.Allocations.TryGetValue(s.AllocationId, out var i) =>
            state with { Balances = [.. state.Balances.Select((b, j) => j == i ? b with { Settled = b.Settled + s.Amount.Amount } : b)] },
        // Deliberately unchanged: a settlement of an allocation that is no payee's balance (see IsPayable),
        // and the case stream's other events (the projection does not read them; folding them is harmless).
        AllocationSettled or CaseOpened or AssetAddedToCase or CaseClosed or ParticipatingAgencyAdded or VictimClaimRegistered => state,
        _ => throw new InvalidOperationException($"{e.GetType().Name} is not an event of a case stream."),
    };

    private static CaseBalances Distribute(CaseBalances state, DistributionComputed d)
    {
        var balances = state.Balances.ToList();
        var allocations = new Dictionary<Guid, int>(state.Allocations);
        var counted = new HashSet<int>(); // a distribution counts once per balance, however many allocations it has there
        foreach (var stored in d.Allocations.Where(a => IsPayable(a.Allocation)))
        {
            var (payee, amount) = (stored.Allocation.Payee, stored.Allocation.Amount);
            var i = balances.FindIndex(b => b.Payee == payee && b.Currency == amount.Currency);
            if (i < 0)
            {
                balances.Add(new PayeeBalance(payee, amount.Currency, 0m, 0m, 0));
                i = balances.Count - 1; // balances are only ever appended: an allocation's index never moves
            }
            balances[i] = balances[i] with { Due = balances[i].Due + amount.Amount, Distributions = balances[i].Distributions + (counted.Add(i) ? 1 : 0) };
            allocations[stored.AllocationId] = i;
        }
        return state with { Balances = balances, Allocations = allocations };
    }

    /// <summary>
    /// The reconciliation over several cases: one row per payee and currency (optionally one currency only),
    /// ordered by payee type, payee id and currency.
    /// </summary>
    public static IReadOnlyList<PayeeBalance> Total(IEnumerable<CaseBalances> cases, string? currency = null) =>
        cases.SelectMany(c => c.Balances)
            .Where(b => currency is null || b.Currency == currency)
            .GroupBy(b => (b.Payee, b.Currency))
            .Select(g => new PayeeBalance(g.Key.Payee, g.Key.Currency, g.Sum(b => b.Due), g.Sum(b => b.Settled), g.Sum(b => b.Distributions)))
            .OrderBy(r => r.Payee.Type).ThenBy(r => r.Payee.Id, StringComparer.Ordinal).ThenBy(r => r.Currency, StringComparer.Ordinal)
            .ToList();
}
