namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>Checks of the input that need no arithmetic: codes, money shapes, rates, counterparty rule.</summary>
internal static class InputValidation
{
    public const decimal MinRate = 0.000000001m;
    public const decimal MaxRate = 1_000_000_000m;
    public const int MaxCodeLength = 100;

    public static void Check(DistributionInput input, ISharingRegime? regime, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(input.Jurisdiction)) errors.Add("jurisdiction", "our jurisdiction code is required");
        if (regime is null)
            errors.Add("regime", $"unknown regime '{input.Regime}'; expected one of {string.Join(", ", RegimeIds.All)}");
        else
            CheckCounterparty(input, regime, errors);
        if (input.Currency is not null && !Currencies.TryGetMinorUnit(input.Currency, out _))
            errors.Add("currency", $"'{input.Currency}' is not an ISO 4217 currency with a minor unit");
        CheckAssets(input.Assets, errors);
        CheckClaims(input.VictimClaims, errors);
        CheckRates(input.Rates, errors);
    }

    public static bool HasCounterparty(DistributionInput input) => !string.IsNullOrEmpty(input.Counterparty);

    private static void CheckCounterparty(DistributionInput input, ISharingRegime regime, ValidationErrors errors)
    {
        var given = HasCounterparty(input);
        if (regime.NeedsCounterparty && !given)
            errors.Add("counterparty", $"required for regime {regime.Id} (ISO 3166-1 alpha-2 code of the other State)");
        else if (!regime.NeedsCounterparty && given)
            errors.Add("counterparty", $"must be absent for regime {regime.Id}; its payees come from parameters");
        else if (given && !IsAlpha2(input.Counterparty!))
            errors.Add("counterparty", $"'{input.Counterparty}' is not an ISO 3166-1 alpha-2 code");
        else if (given && string.Equals(input.Counterparty, input.Jurisdiction, StringComparison.OrdinalIgnoreCase))
            errors.Add("counterparty", "must be another State than our own jurisdiction");
    }

    private static bool IsAlpha2(string code) => code.Length == 2 && code.All(char.IsAsciiLetter);

    private static void CheckAssets(IReadOnlyList<RealisedAssetProceeds> assets, ValidationErrors errors)
    {
        for (var i = 0; i < assets.Count; i++)
        {
            CheckMoney($"assets[{i}].proceedsKept", assets[i].ProceedsKept, errors);
            CheckMoney($"assets[{i}].realisationCosts", assets[i].RealisationCosts, errors);
        }
        foreach (var dup in assets.GroupBy(a => a.AssetId).Where(g => g.Count() > 1))
            errors.Add("assetIds", $"asset {dup.Key} is chosen more than once");
    }

    private static void CheckClaims(IReadOnlyList<OutstandingVictimClaim> claims, ValidationErrors errors)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            CheckMoney($"victimClaims[{i}].outstanding", claims[i].Outstanding, errors);
            if (string.IsNullOrWhiteSpace(claims[i].VictimRef))
                errors.Add($"victimClaims[{i}].victimRef", "a victim reference is required");
        }
        foreach (var dup in claims.GroupBy(c => c.ClaimId).Where(g => g.Count() > 1))
            errors.Add("victimClaims", $"claim {dup.Key} is listed more than once");
    }

    private static void CheckRates(IReadOnlyList<FxRate> rates, ValidationErrors errors)
    {
        for (var i = 0; i < rates.Count; i++)
        {
            var r = rates[i];
            foreach (var (field, code) in new[] { ("base", r.Base), ("quote", r.Quote) })
                if (!Currencies.TryGetMinorUnit(code, out _))
                    errors.Add($"fx[{i}].{field}", $"'{code}' is not an ISO 4217 currency with a minor unit");
            if (r.Base == r.Quote) errors.Add($"fx[{i}]", "base and quote must differ");
            if (r.Rate < MinRate || r.Rate > MaxRate)
                errors.Add($"fx[{i}].rate", $"must be a positive rate between {Text.Number(MinRate)} and {Text.Number(MaxRate)}");
            if (string.IsNullOrWhiteSpace(r.Source)) errors.Add($"fx[{i}].source", "the source of the rate is required");
        }
    }

    /// <summary>Known currency, at most its minor-unit decimals, not negative, not absurdly large.</summary>
    public static void CheckMoney(string field, Money m, ValidationErrors errors)
    {
        if (!Money.TryCreate(m.Amount, m.Currency, out _, out var error)) errors.Add(field, error!);
        else if (m.Amount < 0m) errors.Add(field, "must not be negative");
    }

    /// <summary>A percentage between 0 and 100 inclusive.</summary>
    public static void CheckPercent(string field, decimal percent, ValidationErrors errors)
    {
        if (percent < 0m || percent > 100m) errors.Add(field, $"must be between 0 and 100, got {Text.Number(percent)}");
    }

    /// <summary>An agency code as given: not blank, not overlong.</summary>
    public static void CheckAgency(string field, string? code, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(code)) errors.Add(field, "an agency code is required");
        else if (code.Length > MaxCodeLength) errors.Add(field, $"must be at most {MaxCodeLength} characters");
        else if (code.Contains('|')) errors.Add(field, "an agency code may not contain '|'");
    }
}
