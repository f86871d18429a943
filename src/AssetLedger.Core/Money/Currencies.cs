namespace AssetLedger.Core.Money;

/// <summary>ISO 4217 currencies that have a defined minor unit. (Placeholder table; full list pending.)</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorUnits = new(StringComparer.Ordinal)
    {
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["JPY"] = 0, ["KWD"] = 3, ["CHF"] = 2,
    };

    public static IReadOnlyDictionary<string, int> All => MinorUnits;

    public static bool TryGetMinorUnit(string? code, out int minorUnit)
    {
        minorUnit = 0;
        return code is not null && MinorUnits.TryGetValue(code, out minorUnit);
    }

    public static int MinorUnitOf(string code) =>
        TryGetMinorUnit(code, out var m) ? m : throw new ArgumentException($"Unknown currency {code}", nameof(code));
}
