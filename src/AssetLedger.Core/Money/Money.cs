using System.Globalization;

namespace AssetLedger.Core.Money;

/// <summary>
/// An amount in one ISO 4217 currency. Never floating point; never more decimals than the
/// currency's minor unit (enforced by <see cref="TryCreate"/>, the only way in from the outside).
/// </summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public static Money Zero(string currency) => new(0m, currency);

    /// <summary>
    /// The largest amount (in either direction) that comes in from outside: a thousand million million
    /// units, more than any asset or order is worth in any currency. Far enough below decimal's limit
    /// (about 7.9e28) that no total, conversion or percentage of such amounts can overflow.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000_000m;

    /// <summary>Validates currency, scale and size; error is a human-readable message when false.</summary>
    public static bool TryCreate(decimal amount, string currency, out Money money, out string? error)
    {
        money = default;
        if (!Currencies.TryGetMinorUnit(currency, out var minor))
        {
            error = $"'{currency}' is not an ISO 4217 currency with a minor unit.";
            return false;
        }
        if (Math.Abs(amount) > MaxAmount)
        {
            error = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"An amount is at most {MaxAmount:#,0} {currency}.");
            return false;
        }
        if (DecimalPlaces(amount) > minor)
        {
            error = $"{currency} allows at most {minor} decimal(s).";
            return false;
        }
        money = new Money(amount, currency);
        error = null;
        return true;
    }

    public int MinorUnit => Currencies.MinorUnitOf(Currency);

    /// <summary>The amount with exactly the currency's minor-unit decimals, invariant culture.</summary>
    public string FormatAmount() => Amount.ToString("F" + MinorUnit.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public override string ToString() => $"{Currency} {FormatAmount()}";

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, SameCurrency(a, b));
    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount, SameCurrency(a, b));

    // The currency check comes first so that comparing different currencies always throws
    // (it used to be skipped, returning false, whenever the amount comparison was already false).
    public static bool operator <(Money a, Money b) => SameCurrency(a, b) is not null && a.Amount < b.Amount;
    public static bool operator >(Money a, Money b) => SameCurrency(a, b) is not null && a.Amount > b.Amount;
    public static bool operator <=(Money a, Money b) => SameCurrency(a, b) is not null && a.Amount <= b.Amount;
    public static bool operator >=(Money a, Money b) => SameCurrency(a, b) is not null && a.Amount >= b.Amount;

    public static int DecimalPlaces(decimal value)
    {
        // Trailing zeros do not count: 120000.00 has 0 significant decimals.
        var normalized = value / 1.0000000000000000000000000000m;
        return (decimal.GetBits(normalized)[3] >> 16) & 0xFF;
    }

    private static string SameCurrency(Money a, Money b) =>
        a.Currency == b.Currency
            ? a.Currency
            : throw new InvalidOperationException($"Cannot combine {a.Currency} and {b.Currency}: amounts of different currencies are never added.");
}

/// <summary>Rounding rules used wherever money is divided.</summary>
public static class Rounding
{
    /// <summary>Half-up (away from zero for the non-negative amounts money flows use) to the given decimals.</summary>
    public static decimal HalfUp(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    public static Money HalfUp(Money value) => new(HalfUp(value.Amount, value.MinorUnit), value.Currency);
}

/// <summary>Totals per currency: amounts of different currencies are kept apart, sorted by code.</summary>
public static class MoneyTotals
{
    public static IReadOnlyList<Money> PerCurrency(IEnumerable<Money> amounts) =>
        amounts.GroupBy(m => m.Currency, StringComparer.Ordinal)
               .OrderBy(g => g.Key, StringComparer.Ordinal)
               .Select(g => new Money(g.Sum(m => m.Amount), g.Key))
               .ToList();
}
