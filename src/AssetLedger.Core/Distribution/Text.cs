using System.Globalization;

namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>Formatting for the explanation lines a treasury officer reads (invariant culture).</summary>
internal static class Text
{
    public static string Amount(Money m) =>
        $"{m.Currency} {m.Amount.ToString("N" + Currencies.MinorUnitOf(m.Currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}";

    public static string Number(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string Percent(decimal p) => Number(p) + " %";

    public static string Purpose(FxPurpose p) => p.ToString().ToLowerInvariant();

    public static string Rate(FxRate r) =>
        $"1 {r.Base} = {Number(r.Rate)} {r.Quote} ({r.Source}, {r.AsOf.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)}, purpose {Purpose(r.Purpose)})";

    public static string HalfUp(string currency) =>
        $"rounded half-up to {Currencies.MinorUnitOf(currency)} decimal(s)";
}
