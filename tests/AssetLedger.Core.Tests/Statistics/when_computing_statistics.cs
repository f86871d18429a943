using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Certificates;
using AssetLedger.Core.Money;
using AssetLedger.Statistics;
using FsCheck.Xunit;
using NodaTime;
using static AssetLedger.Tests.Statistics.StatisticsEvents;

namespace AssetLedger.Tests.Statistics;

public class when_computing_statistics
{
    private static readonly Offence[] Thb = [Offence.TraffickingInHumanBeings];

    private static string Amounts(FigureValue v) => string.Join("; ", v.Amounts.Select(m => m.ToString()));

    private static FigureValue Group(FigureResult f, string dimension, string group) =>
        f.Breakdown.Single(g => g.Dimension == dimension && g.Group == group).Value;

    [Fact]
    public void freezing_counts_assets_distinct_orders_and_the_estimate_at_freezing_per_currency()
    {
        var s = new StatisticsEvents();
        var c = s.Case("NL-1", Thb);
        var a = s.Asset(c, AssetKind.BankAccount);
        var b = s.Asset(c, AssetKind.Vehicle);
        var noEstimate = s.Asset(c, AssetKind.Cash);
        var lastYear = s.Asset(c, AssetKind.Cash);
        s.Freeze(a, Instant.FromUtc(2026, 2, 1, 10, 0), Eur(120_000.00m), "R-1");
        s.Value(b, Usd(4_000m));
        s.Value(b, Usd(5_000.50m)); // the latest valuation before the freeze
        s.Freeze(b, Instant.FromUtc(2026, 2, 2, 10, 0), null, "R-1");
        s.Value(b, Usd(9_999m)); // after the freeze: not the estimate at freezing
        s.Freeze(noEstimate, Instant.FromUtc(2026, 2, 3, 10, 0), null, "R-2");
        s.Value(noEstimate, Eur(1m));
        s.Freeze(lastYear, Instant.FromUtc(2025, 6, 1, 10, 0), Eur(7m), "R-9");

        var r = s.Compute();

        Assert.Equal(3, r[Figures.AssetsFrozen].Total.Count);
        Assert.Equal(2, r[Figures.FreezingOrders].Total.Count);
        Assert.Equal("EUR 120000.00; USD 5000.50", Amounts(r[Figures.ValueFrozen].Total));
        Assert.Equal(2, r[Figures.ValueFrozen].Total.Count);
        Assert.Equal(1, r[Figures.FrozenWithoutEstimate].Total.Count);
        Assert.Equal(noEstimate, Assert.Single(r[Figures.FrozenWithoutEstimate].Sources).AssetId);
        Assert.Equal("USD 5000.50", Amounts(Group(r[Figures.ValueFrozen], Breakdowns.AssetKind, "vehicle")));
        Assert.Equal(3, Group(r[Figures.AssetsFrozen], Breakdowns.Offence, "trafficking_in_human_beings").Count);
    }

    [Fact]
    public void an_instant_counts_at_its_local_date_and_both_ends_of_the_period_are_included()
    {
        var s = new StatisticsEvents();
        var c = s.Case("NL-1", Thb);
        var newYearLocal = s.Asset(c, AssetKind.Cash);   // 2025-12-31 23:30 UTC = 2026-01-01 00:30 in Amsterdam
        var lastMinute = s.Asset(c, AssetKind.Cash);     // 2026-12-31 22:59 UTC = 23:59 in Amsterdam
        var nextYearLocal = s.Asset(c, AssetKind.Cash);  // 2026-12-31 23:30 UTC = 2027-01-01 00:30 in Amsterdam
        var lastYearLocal = s.Asset(c, AssetKind.Cash);  // 2025-12-31 22:59 UTC = 23:59 in Amsterdam
        s.Freeze(newYearLocal, Instant.FromUtc(2025, 12, 31, 23, 30));
        s.Freeze(lastMinute, Instant.FromUtc(2026, 12, 31, 22, 59));
        s.Freeze(nextYearLocal, Instant.FromUtc(2026, 12, 31, 23, 30));
        s.Freeze(lastYearLocal, Instant.FromUtc(2025, 12, 31, 22, 59));
        var first = Guid.NewGuid();
        var last = Guid.NewGuid();
        s.OrderConfiscation(newYearLocal, first, new LocalDate(2026, 1, 1));
        s.OrderConfiscation(lastMinute, last, new LocalDate(2026, 12, 31));
        s.OrderConfiscation(lastYearLocal, Guid.NewGuid(), new LocalDate(2025, 12, 31));
        s.OrderConfiscation(nextYearLocal, Guid.NewGuid(), new LocalDate(2027, 1, 1));

        var r = s.Compute();

        Assert.Equal([newYearLocal, lastMinute], r[Figures.AssetsFrozen].Sources.Select(x => x.AssetId!.Value));
        Assert.Equal([new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31)], r[Figures.AssetsFrozen].Sources.Select(x => x.Date));
        Assert.Equal([first.ToString(), last.ToString()], r[Figures.ConfiscationOrders].Sources.Select(x => x.Item));

        var inUtc = s.Compute(Year2026() with { Zone = DateTimeZone.Utc });
        // Both on 31 December in UTC: sources of one date are ordered by stream id.
        Assert.Equal(new[] { lastMinute, nextYearLocal }.Order(), inUtc[Figures.AssetsFrozen].Sources.Select(x => x.AssetId!.Value));
    }

    [Fact]
    public void confiscation_and_realisation_give_orders_assets_values_proceeds_and_mean_days()
    {
        var s = new StatisticsEvents();
        var c = s.Case("NL-1", [Offence.MoneyLaundering, Offence.TraffickingInHumanBeings]);
        var house = s.Asset(c, AssetKind.RealEstate);
        var coins = s.Asset(c, AssetKind.Crypto);
        var order = Guid.NewGuid();
        s.Value(house, Eur(100_000m));
        s.Freeze(house, Instant.FromUtc(2026, 2, 1, 10, 0));
        s.Seize(house, Instant.FromUtc(2026, 2, 5, 10, 0));
        s.Value(house, Eur(90_000m));
        s.Seize(coins, Instant.FromUtc(2026, 2, 10, 10, 0));
        s.OrderConfiscation(house, order, new LocalDate(2026, 3, 1));
        s.OrderConfiscation(coins, order, new LocalDate(2026, 3, 1));
        s.Final(house, order, new LocalDate(2026, 4, 1));
        s.Final(coins, order, new LocalDate(2026, 4, 1));
        s.Realise(house, order, Eur(95_000.00m), Eur(2_000.00m), Eur(5_000.00m), new LocalDate(2026, 5, 1));   // 89 days after 1 Feb
        s.Realise(coins, order, Usd(1_000.00m), Usd(10.00m), Usd(0m), new LocalDate(2026, 5, 11));             // 90 days after 10 Feb

        var r = s.Compute();

        Assert.Equal(1, r[Figures.ConfiscationOrders].Total.Count);
        Assert.Equal(2, r[Figures.AssetsConfiscationOrdered].Total.Count);
        Assert.Equal(1, r[Figures.ConfiscationOrdersFinal].Total.Count);
        Assert.Equal(2, r[Figures.AssetsConfiscated].Total.Count);
        Assert.Equal("EUR 90000.00", Amounts(r[Figures.ValueConfiscated].Total));
        Assert.Equal(coins, Assert.Single(r[Figures.ConfiscatedWithoutEstimate].Sources).AssetId);
        Assert.Equal(2, r[Figures.AssetsRealised].Total.Count);
        Assert.Equal("EUR 95000.00; USD 1000.00", Amounts(r[Figures.RealisedGross].Total));
        Assert.Equal("EUR 2000.00; USD 10.00", Amounts(r[Figures.RealisedCosts].Total));
        Assert.Equal("EUR 5000.00; USD 0.00", Amounts(r[Figures.RealisedReturned].Total));
        Assert.Equal("EUR 90000.00; USD 1000.00", Amounts(r[Figures.RealisedKept].Total));
        Assert.Equal([89, 90], r[Figures.DaysToRealisation].Sources.Select(x => x.Days!.Value));
        Assert.Equal(89.5m, r[Figures.DaysToRealisation].Total.MeanDays);
        // A case with two offences counts under each.
        Assert.Equal(2, Group(r[Figures.AssetsRealised], Breakdowns.Offence, "money_laundering").Count);
        Assert.Equal(2, Group(r[Figures.AssetsRealised], Breakdowns.Offence, "trafficking_in_human_beings").Count);
        Assert.Equal(89m, Group(r[Figures.DaysToRealisation], Breakdowns.AssetKind, "real_estate").MeanDays);
    }

    [Fact]
    public void as_of_leaves_out_every_event_recorded_after_it()
    {
        var s = new StatisticsEvents();
        var c = s.Case("NL-1", Thb);
        var asset = s.Asset(c, AssetKind.Cash);
        var order = Guid.NewGuid();
        s.Value(asset, Eur(10m));
        s.Freeze(asset, Instant.FromUtc(2026, 2, 1, 10, 0));
        s.OrderConfiscation(asset, order, new LocalDate(2026, 3, 1));
        var final = s.Final(asset, order, new LocalDate(2026, 4, 1));
        var correction = s.Value(asset, Eur(20m));
        s.Realise(asset, order, Eur(30m), Eur(0m), Eur(0m), new LocalDate(2026, 5, 1));
        var later = s.Case("NL-2", Thb);
        s.Freeze(s.Asset(later, AssetKind.Cash), Instant.FromUtc(2026, 2, 1, 10, 0));

        var atFinality = s.Compute(Year2026(final.RecordedAt));
        var atCorrection = s.Compute(Year2026(correction.RecordedAt));
        var now = s.Compute();

        Assert.Equal(1, atFinality[Figures.AssetsFrozen].Total.Count);
        Assert.Equal(1, atFinality[Figures.AssetsConfiscated].Total.Count);
        Assert.Equal(0, atFinality[Figures.AssetsRealised].Total.Count);
        Assert.Equal(0, atCorrection[Figures.AssetsRealised].Total.Count);
        Assert.Equal(1, now[Figures.AssetsRealised].Total.Count);
        Assert.Equal(2, now[Figures.AssetsFrozen].Total.Count);
        // The valuation recorded after finality never changes the value at confiscation.
        Assert.Equal("EUR 10.00", Amounts(now[Figures.ValueConfiscated].Total));
    }

    [Fact]
    public void victims_count_the_cases_whose_distributions_in_the_period_paid_them_and_the_amounts_per_currency()
    {
        var s = new StatisticsEvents();
        var paying = s.Case("NL-1", Thb);
        var noVictims = s.Case("NL-2", Thb);
        var lastYear = s.Case("NL-3", Thb);
        s.Distribute(paying, Instant.FromUtc(2026, 6, 2, 10, 0), Eur(300.00m), Eur(200.00m));
        s.Distribute(paying, Instant.FromUtc(2026, 7, 2, 10, 0), Usd(50.00m));
        s.Distribute(noVictims, Instant.FromUtc(2026, 6, 2, 10, 0));
        s.Distribute(lastYear, Instant.FromUtc(2025, 12, 31, 22, 30), Eur(1.00m)); // 2025-12-31 23:30 in Amsterdam

        var r = s.Compute();

        Assert.Equal(1, r[Figures.CasesPayingVictims].Total.Count);
        Assert.Equal(paying, r[Figures.CasesPayingVictims].Sources.Select(x => x.CaseId).Distinct().Single());
        Assert.Equal("EUR 500.00; USD 50.00", Amounts(r[Figures.PaidToVictims].Total));
        Assert.Equal(3, r[Figures.PaidToVictims].Total.Count);
        Assert.Equal("EUR 500.00; USD 50.00", Amounts(Group(r[Figures.PaidToVictims], Breakdowns.Offence, "trafficking_in_human_beings")));
    }

    [Fact]
    public void certificates_are_counted_by_direction_step_and_kind_with_the_mean_execution_time()
    {
        var s = new StatisticsEvents();
        var outgoing = s.Issued(CertificateKind.Freezing, Instant.FromUtc(2026, 2, 1, 10, 0));
        s.Append(outgoing, new CertificateRecognised(Instant.FromUtc(2026, 2, 10, 10, 0)));
        s.Append(outgoing, new CertificateExecuted(null, null, Instant.FromUtc(2026, 2, 11, 10, 0)));
        var executed = s.Received(CertificateKind.Confiscation, Instant.FromUtc(2026, 3, 1, 10, 0));
        s.Append(executed, new CertificateRecognised(Instant.FromUtc(2026, 3, 5, 10, 0)));
        s.Append(executed, new CertificateExecuted(Eur(10m), null, Instant.FromUtc(2026, 3, 11, 22, 30))); // 11 March 23:30 local: 10 days
        var partly = s.Received(CertificateKind.Freezing, Instant.FromUtc(2026, 4, 1, 10, 0));
        s.Append(partly, new CertificatePartlyRefused(["art8-1-f"], "part", null, Instant.FromUtc(2026, 4, 2, 10, 0)));
        s.Append(partly, new CertificateExecuted(null, null, Instant.FromUtc(2026, 4, 4, 10, 0))); // 3 days
        var refused = s.Received(CertificateKind.Freezing, Instant.FromUtc(2025, 12, 20, 10, 0));
        s.Append(refused, new CertificateRefused(["art8-1-a"], "ne bis in idem", Instant.FromUtc(2026, 1, 5, 10, 0)));

        var r = s.Compute();

        Assert.Equal(1, r[Figures.Certificate(true, Figures.Issued)].Total.Count);
        Assert.Equal(1, r[Figures.Certificate(true, Figures.Recognised)].Total.Count);
        Assert.Equal(1, r[Figures.Certificate(true, Figures.Executed)].Total.Count);
        Assert.Equal(2, r[Figures.Certificate(false, Figures.Received)].Total.Count);
        Assert.Equal(1, r[Figures.Certificate(false, Figures.Recognised)].Total.Count);
        Assert.Equal(1, r[Figures.Certificate(false, Figures.PartlyRefused)].Total.Count);
        Assert.Equal(1, r[Figures.Certificate(false, Figures.Refused)].Total.Count);
        Assert.Equal(2, r[Figures.Certificate(false, Figures.Executed)].Total.Count);
        Assert.Equal(1, Group(r[Figures.Certificate(false, Figures.Received)], Breakdowns.CertificateKind, "confiscation").Count);
        Assert.Equal([10, 3], r[Figures.ExecutionDays].Sources.Select(x => x.Days!.Value));
        Assert.Equal(6.5m, r[Figures.ExecutionDays].Total.MeanDays);
    }

    [Fact]
    public void a_case_the_caller_may_not_see_adds_nothing_not_even_through_its_certificates()
    {
        var s = new StatisticsEvents();
        var ours = s.Case("NL-1", Thb, agency: "FIOD");
        var theirs = s.Case("NL-2", Thb, agency: "KMAR");
        s.Freeze(s.Asset(ours, AssetKind.Cash), Instant.FromUtc(2026, 2, 1, 10, 0));
        s.Freeze(s.Asset(theirs, AssetKind.Cash), Instant.FromUtc(2026, 2, 1, 10, 0));
        s.Issued(CertificateKind.Freezing, Instant.FromUtc(2026, 2, 1, 10, 0), theirs);
        var withOurCase = s.Issued(CertificateKind.Freezing, Instant.FromUtc(2026, 2, 1, 10, 0), ours);
        var withoutCase = s.Issued(CertificateKind.Freezing, Instant.FromUtc(2026, 2, 1, 10, 0));

        var r = s.Compute(canSee: agencies => agencies.Contains("FIOD"));

        Assert.Equal(ours, Assert.Single(r[Figures.AssetsFrozen].Sources).CaseId);
        Assert.Equal(new[] { withOurCase, withoutCase }.Order(), r[Figures.Certificate(true, Figures.Issued)].Sources.Select(x => x.CertificateId!.Value).Order());
        Assert.Equal("NL-1", r[Figures.Certificate(true, Figures.Issued)].Sources.Single(x => x.CertificateId == withOurCase).CaseReference);
    }

    [Fact]
    public void every_figure_of_the_definitions_is_answered_in_their_order_even_when_nothing_happened()
    {
        var r = new StatisticsEvents().Compute();
        Assert.Equal(Figures.All.Select(f => f.Id), r.Figures.Select(f => f.Definition.Id));
        Assert.All(r.Figures, f => Assert.Equal(0, f.Total.Count));
        Assert.Equal(Figures.All.Count, Figures.All.Select(f => f.Id).Distinct().Count());
    }

    /// <summary>
    /// Invariant: for figures counting assets, the asset kinds partition the total (counts and every
    /// currency's amount); and the order in which events arrive does not change the answer.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool totals_by_asset_kind_equal_the_total_and_event_order_does_not_matter(byte[] spec)
    {
        var s = new StatisticsEvents();
        var c = s.Case("NL-1", [Offence.MoneyLaundering, Offence.Other]);
        string[] currencies = ["EUR", "USD", "JPY"];
        foreach (var b in spec)
        {
            var asset = s.Asset(c, (AssetKind)(b % 11));
            var currency = currencies[b / 11 % 3];
            var amount = currency == "JPY" ? b * 100m : b * 100m + 0.01m;
            var order = Guid.NewGuid();
            s.Freeze(asset, Instant.FromUtc(2026, 1 + b % 12, 1 + b % 28, b % 24, 0), b % 5 == 0 ? null : new Money(amount, currency));
            if (b % 2 == 0) continue;
            s.Value(asset, new Money(amount + 1, currency));
            s.OrderConfiscation(asset, order, new LocalDate(2026, 1 + b % 12, 1));
            s.Final(asset, order, new LocalDate(2026, 1 + b % 12, 2));
            s.Realise(asset, order, new Money(amount, currency), new Money(0m, currency), new Money(0m, currency), new LocalDate(2026, 1 + b % 12, 3 + b % 20));
        }
        var report = s.Compute();
        var shuffled = StatisticsFold.Compute(s.All.Reverse().ToList(), Year2026(), _ => true);

        var assetFigures = report.Figures.Where(f => f.Sources.All(x => x.AssetId?.ToString() == x.Item)).ToList();
        var partitions = assetFigures.All(f =>
        {
            var kinds = f.Breakdown.Where(g => g.Dimension == Breakdowns.AssetKind).Select(g => g.Value).ToList();
            return kinds.Sum(k => k.Count) == f.Total.Count
                   && MoneyTotals.PerCurrency(kinds.SelectMany(k => k.Amounts)).SequenceEqual(f.Total.Amounts);
        });
        var offencesEach = assetFigures.All(f => f.Breakdown.Where(g => g.Dimension == Breakdowns.Offence).All(g => g.Value == f.Total
            || (g.Value.Count == f.Total.Count && g.Value.Amounts.SequenceEqual(f.Total.Amounts) && g.Value.MeanDays == f.Total.MeanDays)));
        var same = report.Figures.Zip(shuffled.Figures).All(p => p.First.Total.Count == p.Second.Total.Count
            && p.First.Total.Amounts.SequenceEqual(p.Second.Total.Amounts) && p.First.Total.MeanDays == p.Second.Total.MeanDays
            && p.First.Sources.SequenceEqual(p.Second.Sources, SourceComparer.Instance));
        return partitions && offencesEach && same && report[Figures.AssetsFrozen].Total.Count == spec.Length;
    }

    private sealed class SourceComparer : IEqualityComparer<FigureSource>
    {
        public static readonly SourceComparer Instance = new();
        public bool Equals(FigureSource? x, FigureSource? y) => x is not null && y is not null
            && x with { Offences = [] } == y with { Offences = [] } && x.Offences.SequenceEqual(y.Offences);
        public int GetHashCode(FigureSource obj) => obj.StreamId.GetHashCode();
    }
}
