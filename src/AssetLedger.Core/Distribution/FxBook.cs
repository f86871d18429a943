namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// The user-supplied rates of one distribution. A conversion or victim rate is accepted in either direction
/// (base = from, quote = to: multiply; base = to, quote = from: divide); a threshold rate only as 1 EUR = x.
/// Every result is rounded half-up to the target currency's minor unit. Rates actually used are remembered.
/// </summary>
internal sealed class FxBook(IReadOnlyList<FxRate> rates)
{
    private readonly List<FxRate> _used = [];

    public IReadOnlyList<FxRate> Used => _used;

    /// <summary>Converts <paramref name="amount"/> into <paramref name="target"/>; zero and same-currency amounts need no rate.</summary>
    public bool TryConvert(Money amount, string target, FxPurpose purpose, out Money converted, out FxRate? rate, out string? error)
    {
        converted = amount; rate = null; error = null;
        if (amount.Currency == target) return true;
        if (amount.Amount == 0m) { converted = Money.Zero(target); return true; }
        if (!TryFind(amount.Currency, target, purpose, bothDirections: true, out rate, out error)) return false;
        converted = Convert(amount, rate!, target);
        return true;
    }

    /// <summary><paramref name="amount"/> into <paramref name="target"/> with a rate between the two, half-up.</summary>
    public static Money Convert(Money amount, FxRate rate, string target)
    {
        var raw = rate.Base == amount.Currency ? amount.Amount * rate.Rate : amount.Amount / rate.Rate;
        return new Money(Rounding.HalfUp(raw, Currencies.MinorUnitOf(target)), target);
    }

    /// <summary>
    /// The least amount of <paramref name="currency"/> (in its minor units) that <see cref="Convert"/> turns
    /// into <paramref name="worth"/> or more: computed, then checked one minor unit either way (a division
    /// by the rate need not be exact in decimal).
    /// </summary>
    public static Money LeastWorth(Money worth, FxRate rate, string currency)
    {
        var unit = MinorUnitStep(currency);
        var half = MinorUnitStep(worth.Currency) / 2m;
        // Half-up reaches worth from worth − half a minor unit of its currency.
        var raw = rate.Base == currency ? (worth.Amount - half) / rate.Rate : (worth.Amount - half) * rate.Rate;
        var least = new Money(Math.Max(0m, Math.Ceiling(raw / unit) * unit), currency);
        if (Convert(least, rate, worth.Currency).Amount < worth.Amount) least = new Money(least.Amount + unit, currency);
        else if (least.Amount >= unit && Convert(new Money(least.Amount - unit, currency), rate, worth.Currency).Amount >= worth.Amount)
            least = new Money(least.Amount - unit, currency);
        return least;
    }

    private static decimal MinorUnitStep(string currency) => new(1, 0, 0, false, (byte)Currencies.MinorUnitOf(currency));

    /// <summary>The single rate for a pair and purpose. The error names the pair as <c>to/from</c> (e.g. EUR/GBP).</summary>
    public bool TryFind(string from, string to, FxPurpose purpose, bool bothDirections, out FxRate? rate, out string? error)
    {
        var candidates = rates
            .Where(r => r.Purpose == purpose && (IsPair(r, to, from) || (bothDirections && IsPair(r, from, to))))
            .ToList();
        rate = candidates.FirstOrDefault(); error = null;
        if (candidates.Select(r => (r.Base, r.Quote, r.Rate)).Distinct().Count() > 1)
            error = $"more than one rate {to}/{from} with purpose {Text.Purpose(purpose)}; give exactly one";
        else if (rate is null)
            error = bothDirections
                ? $"missing rate {to}/{from} with purpose {Text.Purpose(purpose)} (or {from}/{to})"
                : $"missing rate {to}/{from} with purpose {Text.Purpose(purpose)}";
        if (error is not null) { rate = null; return false; }
        if (!_used.Contains(rate!)) _used.Add(rate!);
        return true;
    }

    private static bool IsPair(FxRate r, string @base, string quote) => r.Base == @base && r.Quote == quote;
}
