using NodaTime;

namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>What a rate is for. "1 <see cref="FxRate.Base"/> = <see cref="FxRate.Rate"/> <see cref="FxRate.Quote"/>".</summary>
public enum FxPurpose { Conversion, Threshold, Victim }

/// <summary>A user-supplied exchange rate: 1 <paramref name="Base"/> = <paramref name="Rate"/> <paramref name="Quote"/>.</summary>
public sealed record FxRate(string Base, string Quote, decimal Rate, string Source, LocalDate AsOf, FxPurpose Purpose);

/// <summary>One realised asset chosen for the distribution: proceeds kept (gross − returned to owner) and its realisation costs.</summary>
public sealed record RealisedAssetProceeds(Guid AssetId, Money ProceedsKept, Money RealisationCosts);

/// <summary>A victim claim as it stands before this distribution. Unranked claims come after ranked ones.</summary>
public sealed record OutstandingVictimClaim(Guid ClaimId, string VictimRef, Money Outstanding, int? PriorityRank, int RegistrationOrder);

/// <summary>Typed regime parameters (the API's <c>parameters</c> object). Regimes without parameters take <c>null</c>.</summary>
public abstract record RegimeParameters;

/// <summary><c>bilateral</c>: the agreement's percentage for the counterparty (0–100) and whether realisation costs are deducted first.</summary>
public sealed record BilateralParameters(decimal CounterpartyPercent, bool DeductCosts = false) : RegimeParameters;

/// <summary><c>uncac-57</c>: reasonable expenses kept by us, in the distribution's currency (default zero).</summary>
public sealed record Uncac57Parameters(Money? Expenses = null) : RegimeParameters;

/// <summary>One participating agency of <c>us-equitable</c> and its contribution percentage (0–100).</summary>
public sealed record AgencyContribution(string Agency, decimal ContributionPercent);

/// <summary><c>us-equitable</c>: the participating state/local agencies, in payment order.</summary>
public sealed record UsEquitableParameters(IReadOnlyList<AgencyContribution> Agencies) : RegimeParameters;

/// <summary><c>uk-aris</c>: the agency codes of the investigating and the prosecuting agency.</summary>
public sealed record UkArisParameters(string InvestigatingAgency, string ProsecutingAgency) : RegimeParameters;

/// <summary>
/// Everything a distribution is computed from. <paramref name="Jurisdiction"/> is ours (the treasury payee id);
/// <paramref name="Regime"/> is one of <see cref="RegimeIds"/>; <paramref name="Counterparty"/> is an ISO 3166-1
/// alpha-2 code (required for eu-2018-1805, fd-2006-783, bilateral, uncac-57; absent otherwise);
/// <paramref name="Currency"/> is the target currency, required when the assets' currencies differ.
/// </summary>
public sealed record DistributionInput(
    string Jurisdiction,
    string Regime,
    string? Counterparty,
    IReadOnlyList<RealisedAssetProceeds> Assets,
    string? Currency,
    IReadOnlyList<OutstandingVictimClaim> VictimClaims,
    RegimeParameters? Parameters,
    IReadOnlyList<FxRate> Rates);

/// <summary>The regime ids accepted in the API's <c>regime</c> field.</summary>
public static class RegimeIds
{
    public const string Domestic = "domestic";
    public const string Eu2018_1805 = "eu-2018-1805";
    public const string Fd2006_783 = "fd-2006-783";
    public const string Bilateral = "bilateral";
    public const string Uncac57 = "uncac-57";
    public const string UsEquitable = "us-equitable";
    public const string UkAris = "uk-aris";

    public static IReadOnlyList<string> All { get; } =
        [Domestic, Eu2018_1805, Fd2006_783, Bilateral, Uncac57, UsEquitable, UkAris];
}
