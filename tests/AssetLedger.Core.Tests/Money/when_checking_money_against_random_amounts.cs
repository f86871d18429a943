using System.Globalization;
using AssetLedger.Core.Money;
using FsCheck.Xunit;

namespace AssetLedger.Core.Tests.Money;

using Money = AssetLedger.Core.Money.Money;

/// <summary>Property tests: decimals are built from generated mantissa, scale and currency index.</summary>
public class when_checking_money_against_random_amounts
{
    private static readonly string[] Codes = Currencies.All.Keys.OrderBy(c => c, StringComparer.Ordinal).ToArray();

    private const decimal Cap = 1_000_000_000_000_000m;

    private static string CurrencyAt(int index) => Codes[(index & int.MaxValue) % Codes.Length];

    // A decimal with an arbitrary scale 0..28, so trailing zeros ("1.500") are generated often.
    private static decimal Build(int lo, int mid, bool negative, byte scale) =>
        new(lo, mid, 0, negative, (byte)(scale % 29));

    [Property(MaxTest = 2000)]
    public bool TryCreate_accepts_exactly_the_amounts_without_digits_beyond_the_minor_unit(
        int lo, int mid, bool negative, byte scale, int currencyIndex)
    {
        var amount = Build(lo, mid, negative, scale);
        var currency = CurrencyAt(currencyIndex);
        var minor = Currencies.MinorUnitOf(currency);

        // Oracle independent of Money.DecimalPlaces: rounding to the minor unit changes nothing, and the
        // amount is within 10^15 either way.
        var expected = decimal.Round(amount, minor) == amount && Math.Abs(amount) <= Cap;

        var accepted = Money.TryCreate(amount, currency, out var money, out var error);
        return accepted == expected
            && (accepted ? error is null && money.Amount == amount && money.Currency == currency : error is not null);
    }

    [Property(MaxTest = 2000)]
    public bool FormatAmount_round_trips_through_decimal_Parse_with_exactly_the_minor_unit_decimals(
        int lo, int mid, bool negative, byte scale, int currencyIndex)
    {
        var currency = CurrencyAt(currencyIndex);
        var minor = Currencies.MinorUnitOf(currency);
        // Any amount, rounded to the currency's minor unit, is a valid money amount.
        var amount = Rounding.HalfUp(Build(lo, mid, negative, scale), minor);
        if (!Money.TryCreate(amount, currency, out var money, out _))
            return Math.Abs(amount) > Cap;

        var text = money.FormatAmount();
        var dot = text.IndexOf('.');
        var decimals = dot < 0 ? 0 : text.Length - dot - 1;

        return decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) == amount
            && decimals == minor
            && (minor == 0) == (dot < 0)
            && !text.Contains(',');
    }

    [Property(MaxTest = 1000)]
    public bool DecimalPlaces_is_the_smallest_scale_that_keeps_the_value(int lo, int mid, bool negative, byte scale)
    {
        var value = Build(lo, mid, negative, scale);
        var places = Money.DecimalPlaces(value);

        return places is >= 0 and <= 28
            && decimal.Round(value, places) == value
            && (places == 0 || decimal.Round(value, places - 1) != value);
    }

    [Property(MaxTest = 500)]
    public bool Totals_per_currency_preserve_the_sum_of_each_currency(int[] lows, int currencySeed)
    {
        var amounts = lows.Select((lo, i) => new Money(new decimal(lo, 0, 0, false, 2), CurrencyAt(currencySeed + i % 3))).ToList();

        var totals = MoneyTotals.PerCurrency(amounts);

        var codes = totals.Select(t => t.Currency).ToList();
        return codes.SequenceEqual(amounts.Select(a => a.Currency).Distinct().OrderBy(c => c, StringComparer.Ordinal))
            && totals.All(t => t.Amount == amounts.Where(a => a.Currency == t.Currency).Sum(a => a.Amount));
    }
}
