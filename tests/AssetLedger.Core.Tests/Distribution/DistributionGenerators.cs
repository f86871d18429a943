using AssetLedger.Core.Distribution;
using FsCheck;
using FsCheck.Fluent;

namespace AssetLedger.Core.Tests.Distribution;

using AssetLedger.Core.Money;

/// <summary>A generated distribution input, printed readably when a property fails.</summary>
public sealed record Scenario(DistributionInput Input)
{
    public override string ToString()
    {
        var i = Input;
        return $"regime={i.Regime} cp={i.Counterparty} currency={i.Currency} params={i.Parameters switch
        {
            UsEquitableParameters u => string.Join(",", u.Agencies.Select(a => $"{a.Agency}:{a.ContributionPercent}")),
            var p => p?.ToString() ?? "-",
        }} assets=[{string.Join("; ", i.Assets.Select(a => $"{a.ProceedsKept} costs {a.RealisationCosts}"))}] "
             + $"claims=[{string.Join("; ", i.VictimClaims.Select(c => $"{c.VictimRef} {c.Outstanding} rank {c.PriorityRank} reg {c.RegistrationOrder}"))}] "
             + $"fx=[{string.Join("; ", i.Rates.Select(r => $"{r.Base}/{r.Quote} {r.Rate} {r.Purpose}"))}]";
    }
}

/// <summary>
/// Random inputs over every regime. Amounts are whole numbers of minor units turned into decimals, so they are valid
/// money; small, medium and large magnitudes are mixed so thresholds, caps and rounding edges all come up.
/// </summary>
public static class DistributionArbitraries
{
    private static readonly string[] Codes = ["EUR", "USD", "GBP", "JPY", "KWD", "CHF"];

    public static Arbitrary<Scenario> Scenarios() => Arb.From(ScenarioGen());

    private static Gen<Scenario> ScenarioGen() =>
        from regime in Gen.Elements(RegimeIds.All.ToArray())
        from currency in Gen.Elements(Codes)
        from other in Gen.Elements(Codes.Where(c => c != currency).ToArray())
        from mixed in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from assetCount in Gen.Frequency((3, Gen.Constant(1)), (2, Gen.Choose(2, 4)))
        from assets in Gen.ListOf(AssetGen(currency, other, mixed), assetCount).Select(l => l.ToList())
        from claimCount in Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Constant(1)), (2, Gen.Choose(2, 4)))
        from claims in Gen.ListOf(ClaimGen(currency, other), claimCount).Select(l => l.ToList())
        from parameters in ParametersGen(regime, currency)
        from rates in RatesGen(currency, other)
        from explicitCurrency in Gen.Elements(true, false)
        select new Scenario(new DistributionInput(
            "NL", regime, NeedsCounterparty(regime) ? "DE" : null, assets,
            mixed || explicitCurrency ? currency : null, claims, parameters, rates));

    private static bool NeedsCounterparty(string regime) =>
        regime is RegimeIds.Eu2018_1805 or RegimeIds.Fd2006_783 or RegimeIds.Bilateral or RegimeIds.Uncac57;

    /// <summary>Whole minor units as a decimal of the currency: 12345 JPY, 123.45 EUR, 12.345 KWD.</summary>
    public static Gen<Money> MoneyGen(string currency) =>
        Gen.Frequency(
                (2, Gen.Choose(0, 100)),
                (3, Gen.Choose(0, 5_000_000)),
                (2, Gen.Choose(900_000, 1_100_000)),
                (1, Gen.Elements(999_999, 1_000_000, 1_000_001)),
                (3, Gen.Choose(0, int.MaxValue)))
           .Select(units => ToMoney(units, currency));

    public static Money ToMoney(long units, string currency) =>
        new((decimal)units / Pow10(Currencies.MinorUnitOf(currency)), currency);

    private static decimal Pow10(int n) => n == 0 ? 1m : 10m * Pow10(n - 1);

    private static Gen<RealisedAssetProceeds> AssetGen(string currency, string other, bool mixed) =>
        from useOther in mixed ? Gen.Elements(true, false) : Gen.Constant(false)
        from proceeds in MoneyGen(useOther ? other : currency)
        from costs in MoneyGen(useOther ? other : currency)
        from scale in Gen.Elements(1m, 0.1m, 0.01m)
        from id in Gen.Fresh(Guid.NewGuid)
        select new RealisedAssetProceeds(id, proceeds, Smaller(costs, scale));

    private static Gen<OutstandingVictimClaim> ClaimGen(string currency, string other) =>
        from useOther in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from outstanding in MoneyGen(useOther ? other : currency)
        from scale in Gen.Elements(1m, 0.1m, 0.01m)
        from rank in Gen.Frequency((1, Gen.Constant<int?>(null)), (1, Gen.Choose(1, 3).Select(r => (int?)r)))
        from order in Gen.Choose(0, 10)
        from id in Gen.Fresh(Guid.NewGuid)
        select new OutstandingVictimClaim(id, "V-" + id.ToString("N")[..6], Smaller(outstanding, scale), rank, order);

    /// <summary>Claims and costs are often smaller than the proceeds, so that something is left to share.</summary>
    private static Money Smaller(Money m, decimal scale) =>
        new(Math.Round(m.Amount * scale, Currencies.MinorUnitOf(m.Currency), MidpointRounding.ToZero), m.Currency);

    private static Gen<decimal> PercentGen() =>
        Gen.Frequency((1, Gen.Elements(0m, 50m, 60m, 80m, 100m)), (3, Gen.Choose(0, 10_000).Select(p => p / 100m)));

    private static Gen<RegimeParameters?> ParametersGen(string regime, string currency) => regime switch
    {
        RegimeIds.Bilateral =>
            from p in PercentGen() from deduct in Gen.Elements(true, false)
            select (RegimeParameters?)new BilateralParameters(p, deduct),
        RegimeIds.Uncac57 =>
            from e in Gen.OneOf(Gen.Constant<Money?>(null), MoneyGen(currency).Select(m => (Money?)m))
            select (RegimeParameters?)new Uncac57Parameters(e),
        RegimeIds.UsEquitable =>
            from n in Gen.Choose(1, 4)
            from percents in Gen.ListOf(PercentGen(), n)
            select (RegimeParameters?)new UsEquitableParameters(percents.Select((p, i) => new AgencyContribution($"AG-{i}", p)).ToList()),
        RegimeIds.UkAris => Gen.Constant<RegimeParameters?>(new UkArisParameters("NCA", "CPS")),
        _ => Gen.Constant<RegimeParameters?>(null),
    };

    /// <summary>A rate between 0.0001 and 1000 (four decimals), for each purpose, in a random direction (threshold: 1 EUR = x).</summary>
    private static Gen<List<FxRate>> RatesGen(string currency, string other) =>
        from conversion in RateGen(currency, other, FxPurpose.Conversion)
        from victim in RateGen(currency, other, FxPurpose.Victim)
        from thresholdRate in RateValueGen()
        select new[] { conversion, victim }
            .Concat(currency == "EUR" ? [] : [new FxRate("EUR", currency, thresholdRate, "ECB", D.AsOf, FxPurpose.Threshold)])
            .ToList();

    private static Gen<FxRate> RateGen(string currency, string other, FxPurpose purpose) =>
        from value in RateValueGen()
        from direct in Gen.Elements(true, false)
        select direct
            ? new FxRate(other, currency, value, "ECB", D.AsOf, purpose)
            : new FxRate(currency, other, value, "ECB", D.AsOf, purpose);

    private static Gen<decimal> RateValueGen() => Gen.Choose(1, 10_000_000).Select(r => r / 10_000m);
}
