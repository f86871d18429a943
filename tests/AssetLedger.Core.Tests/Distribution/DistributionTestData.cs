using AssetLedger.Core.Distribution;
using NodaTime;

namespace AssetLedger.Core.Tests.Distribution;

using AssetLedger.Core.Money;

/// <summary>Builders and a compact, exact view of allocations ("share state:DE 125000.00").</summary>
internal static class D
{
    public static readonly LocalDate AsOf = new(2026, 3, 2);

    public static Money M(decimal amount, string currency = "EUR") => new(amount, currency);

    public static RealisedAssetProceeds Asset(decimal proceeds, string currency = "EUR", decimal costs = 0m) =>
        new(Guid.NewGuid(), M(proceeds, currency), M(costs, currency));

    public static OutstandingVictimClaim Claim(decimal amount, string currency = "EUR", int? rank = null, int order = 1, string victimRef = "V-1") =>
        new(Guid.NewGuid(), victimRef, M(amount, currency), rank, order);

    public static FxRate Rate(string @base, string quote, decimal rate, FxPurpose purpose) => new(@base, quote, rate, "ECB", AsOf, purpose);

    public static DistributionInput Input(
        string regime, string jurisdiction = "NL", string? counterparty = null, RegimeParameters? parameters = null,
        string? currency = null, IEnumerable<RealisedAssetProceeds>? assets = null,
        IEnumerable<OutstandingVictimClaim>? claims = null, IEnumerable<FxRate>? rates = null) =>
        new(jurisdiction, regime, counterparty, (assets ?? []).ToList(), currency, (claims ?? []).ToList(), parameters, (rates ?? []).ToList());

    public static DistributionResult Ok(DistributionInput input)
    {
        var outcome = DistributionCalculator.Calculate(input);
        if (outcome is DistributionResult result) return result;
        var detail = outcome is DistributionRejected r
            ? string.Join("; ", r.Errors.Select(kv => $"{kv.Key}: {string.Join(" | ", kv.Value)}"))
            : outcome.ToString();
        throw new Xunit.Sdk.XunitException($"expected a result, got {detail}");
    }

    public static IReadOnlyDictionary<string, string[]> Rejected(DistributionInput input)
    {
        var outcome = DistributionCalculator.Calculate(input);
        return Assert.IsType<DistributionRejected>(outcome).Errors;
    }

    public static string[] Lines(DistributionResult result) => result.Allocations.Select(Line).ToArray();

    public static string Line(Allocation a) =>
        $"{a.Kind.ToString().ToLowerInvariant()} {a.Payee.Type.ToString().ToLowerInvariant()}:{a.Payee.Id} {a.Amount.FormatAmount()}"
        + (a.Retained ? " retained" : "");

    /// <summary>Allocations add up exactly to the base, in its currency.</summary>
    public static void AssertConserved(DistributionResult result)
    {
        Assert.All(result.Allocations, a => Assert.Equal(result.Base.Currency, a.Amount.Currency));
        Assert.Equal(result.Base.Amount, result.Allocations.Sum(a => a.Amount.Amount));
    }
}
