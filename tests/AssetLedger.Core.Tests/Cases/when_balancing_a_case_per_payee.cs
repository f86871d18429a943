using AssetLedger.Cases;
using AssetLedger.Core.Distribution;
using FsCheck.Xunit;
using NodaTime;

namespace AssetLedger.Core.Tests.Cases;

using Money = AssetLedger.Core.Money.Money;

/// <summary>
/// The treasury reconciliation's fold (<see cref="CaseBalances"/>): exact sums per payee and currency,
/// our own treasury left out, settlements on the allocation's own balance, and, for random event
/// sequences, the same rows as a plain recomputation over the events.
/// </summary>
public class when_balancing_a_case_per_payee
{
    private static readonly Payee De = new(PayeeType.State, "DE"), Fr = new(PayeeType.State, "FR"), Victim = new(PayeeType.Victim, "V-1"),
        Agency = new(PayeeType.Agency, "FIOD"), Nl = new(PayeeType.Treasury, "NL");

    // The fold reads the distribution id and the stored allocations only; inputs and results are the calculator's business.
    private static DistributionComputed Computed(Guid id, params (Guid Id, Allocation Allocation)[] allocations) =>
        new(id, null!, null!, [.. allocations.Select(a => new StoredAllocation(a.Id, a.Allocation))], Instant.FromUtc(2026, 11, 28, 12, 0));

    private static Allocation Share(Payee payee, decimal amount, string currency, bool retained = false) =>
        new(AllocationKind.Share, payee, new Money(amount, currency), retained);

    private static AllocationSettled Settled(Guid distribution, Guid allocation, decimal amount, string currency) =>
        new(distribution, allocation, new Money(amount, currency), new LocalDate(2026, 12, 1), "REF");

    private static CaseBalances? Fold(Guid caseId, IEnumerable<object> events) =>
        events.Aggregate((CaseBalances?)null, (state, e) => CaseBalances.Evolve(state, caseId, e));

    [Fact]
    public void sums_exactly_per_payee_and_currency_without_our_own_treasury_and_applies_settlements_to_their_allocation()
    {
        var caseId = Guid.NewGuid();
        Guid d1 = Guid.NewGuid(), d2 = Guid.NewGuid(), deShare = Guid.NewGuid(), deCosts = Guid.NewGuid(), victim = Guid.NewGuid(), retained = Guid.NewGuid();
        var state = Fold(caseId,
        [
            new CaseOpened(caseId, "C-1", "t", [], "NL", "FIOD", [], Instant.FromUtc(2026, 1, 1, 0, 0)),
            Computed(d1,
                (victim, new Allocation(AllocationKind.Victim, Victim, new Money(100.00m, "EUR"), false)),
                (deCosts, new Allocation(AllocationKind.Costs, De, new Money(10.00m, "EUR"), false)),
                (deShare, Share(De, 250.50m, "EUR")),
                (retained, Share(Nl, 300.00m, "EUR", retained: true)),
                (Guid.NewGuid(), new Allocation(AllocationKind.Costs, Nl, new Money(5.00m, "EUR"), false))),
            Computed(d2, (Guid.NewGuid(), Share(De, 1000m, "JPY")), (Guid.NewGuid(), Share(Fr, 0.125m, "BHD"))),
            Settled(d1, deShare, 100.25m, "EUR"),
            Settled(d1, deShare, 0.01m, "EUR"),
            Settled(d1, retained, 300.00m, "EUR"), // what we keep is not in the report, settled or not
        ])!;

        Assert.Equal(caseId, state.Id);
        Assert.Equal(
        [
            new PayeeBalance(Victim, "EUR", 100.00m, 0m, 1),
            new PayeeBalance(De, "EUR", 260.50m, 100.26m, 1), // two allocations of one distribution count it once
            new PayeeBalance(De, "JPY", 1000m, 0m, 1),
            new PayeeBalance(Fr, "BHD", 0.125m, 0m, 1),
        ], CaseBalances.Total([state]));
        Assert.Equal(160.24m, CaseBalances.Total([state], "EUR").Single(b => b.Payee == De).Outstanding);
    }

    [Fact]
    public void a_case_without_a_distribution_has_no_balances_and_other_case_events_change_nothing()
    {
        var caseId = Guid.NewGuid();
        Assert.Null(Fold(caseId, [new CaseOpened(caseId, "C-1", "t", [], "NL", "FIOD", [], Instant.FromUtc(2026, 1, 1, 0, 0))]));
        var d = Guid.NewGuid();
        var state = Fold(caseId, [Computed(d, (Guid.NewGuid(), Share(Agency, 12.34m, "EUR")))])!;
        Assert.Same(state, CaseBalances.Evolve(state, caseId, new VictimClaimRegistered(Guid.NewGuid(), "V-9", new Money(1m, "EUR"), "b", null)));
        Assert.Same(state, CaseBalances.Evolve(state, caseId, Settled(d, Guid.NewGuid(), 1m, "EUR"))); // an allocation it does not know
    }

    [Fact]
    public void totals_over_cases_add_amounts_and_distributions_and_filter_by_currency()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var one = Fold(a, [Computed(Guid.NewGuid(), (Guid.NewGuid(), Share(De, 0.10m, "EUR"))), Computed(Guid.NewGuid(), (Guid.NewGuid(), Share(De, 0.20m, "EUR")))])!;
        var two = Fold(b, [Computed(Guid.NewGuid(), (Guid.NewGuid(), Share(De, 0.30m, "EUR")), (Guid.NewGuid(), Share(De, 7m, "USD")))])!;
        Assert.Equal([new PayeeBalance(De, "EUR", 0.60m, 0m, 3), new PayeeBalance(De, "USD", 7m, 0m, 1)], CaseBalances.Total([one, two]));
        Assert.Equal([new PayeeBalance(De, "USD", 7m, 0m, 1)], CaseBalances.Total([one, two], "USD"));
        Assert.Empty(CaseBalances.Total([one, two], "GBP"));
    }

    private static readonly Payee[] Payees = [De, Fr, Victim, Agency, Nl, new(PayeeType.Victim, "V-2")];
    private static readonly (string Code, int Decimals)[] Currencies = [("EUR", 2), ("JPY", 0), ("BHD", 3)];

    /// <summary>
    /// Random cases, distributions (any payee, retained or not, three currencies with 0, 2 and 3 decimals) and
    /// partial settlements: the fold's totals equal a recomputation that groups every payable allocation of the
    /// events and adds up the settlements that name it.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool totals_equal_a_plain_recomputation_over_the_events(int seed, byte caseCount)
    {
        var random = new Random(seed);
        var streams = Enumerable.Range(0, caseCount % 5 + 1).Select(_ => (Id: Guid.NewGuid(), Events: new List<object>())).ToList();
        var allocations = new List<(DistributionComputed Distribution, StoredAllocation Allocation)>();
        foreach (var (_, events) in streams)
            for (var n = random.Next(0, 6); n > 0; n--)
            {
                if (allocations.Count > 0 && random.Next(3) == 0)
                {
                    var (d, a) = allocations[random.Next(allocations.Count)];
                    if (events.Contains(d))
                    {
                        var decimals = Currencies.Single(c => c.Code == a.Allocation.Amount.Currency).Decimals;
                        events.Add(Settled(d.DistributionId, a.AllocationId, random.Next(1, 100_000) / (decimal)Math.Pow(10, decimals), a.Allocation.Amount.Currency));
                        continue;
                    }
                }
                var stored = Enumerable.Range(0, random.Next(0, 7)).Select(_ =>
                {
                    var (code, decimals) = Currencies[random.Next(Currencies.Length)];
                    var payee = Payees[random.Next(Payees.Length)];
                    var amount = random.Next(0, 10_000_000) / (decimal)Math.Pow(10, decimals);
                    return (Guid.NewGuid(), Share(payee, amount, code, retained: payee.Type == PayeeType.Treasury && random.Next(2) == 0));
                }).ToArray();
                var computed = Computed(Guid.NewGuid(), stored);
                events.Add(computed);
                allocations.AddRange(computed.Allocations.Select(a => (computed, a)));
            }

        var folded = CaseBalances.Total(streams.Select(s => Fold(s.Id, s.Events)).OfType<CaseBalances>());

        var settlements = streams.SelectMany(s => s.Events).OfType<AllocationSettled>().ToList();
        var expected = streams.SelectMany(s => s.Events).OfType<DistributionComputed>()
            .SelectMany(d => d.Allocations.Select(a => (d.DistributionId, a)))
            .Where(x => !x.a.Allocation.Retained && x.a.Allocation.Payee.Type != PayeeType.Treasury)
            .GroupBy(x => (x.a.Allocation.Payee, x.a.Allocation.Amount.Currency))
            .Select(g => new PayeeBalance(g.Key.Payee, g.Key.Currency, g.Sum(x => x.a.Allocation.Amount.Amount),
                g.Sum(x => settlements.Where(s => s.AllocationId == x.a.AllocationId).Sum(s => s.Amount.Amount)),
                g.Select(x => x.DistributionId).Distinct().Count()))
            .OrderBy(r => r.Payee.Type).ThenBy(r => r.Payee.Id, StringComparer.Ordinal).ThenBy(r => r.Currency, StringComparer.Ordinal)
            .ToList();
        return folded.SequenceEqual(expected);
    }
}
