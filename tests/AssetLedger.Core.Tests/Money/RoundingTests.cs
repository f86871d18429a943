using System.Globalization;
using AssetLedger.Core.Money;

namespace AssetLedger.Core.Tests.Money;

using Money = AssetLedger.Core.Money.Money;

public class RoundingTests
{
    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("5000.005", 2, "5000.01")]
    [InlineData("5000.004", 2, "5000.00")]
    [InlineData("5000.015", 2, "5000.02")]   // banker's rounding would give 5000.02 too; see 0.125 below
    [InlineData("0.125", 2, "0.13")]         // banker's rounding would give 0.12
    [InlineData("2.5", 0, "3")]              // banker's rounding would give 2
    [InlineData("3.5", 0, "4")]
    [InlineData("2.4999", 0, "2")]
    [InlineData("1.0005", 3, "1.001")]
    [InlineData("-2.5", 0, "-3")]            // away from zero for negatives
    [InlineData("7", 2, "7")]
    public void HalfUp_rounds_midpoints_up(string value, int decimals, string expected)
    {
        Assert.Equal(D(expected), Rounding.HalfUp(D(value), decimals));
    }

    [Fact]
    public void HalfUp_of_money_uses_the_currency_minor_unit()
    {
        Assert.Equal(new Money(3m, "JPY"), Rounding.HalfUp(new Money(2.5m, "JPY")));
        Assert.Equal(new Money(5000.01m, "EUR"), Rounding.HalfUp(new Money(5000.005m, "EUR")));
        Assert.Equal(new Money(1.001m, "KWD"), Rounding.HalfUp(new Money(1.0005m, "KWD")));
        Assert.Equal(new Money(0.1235m, "CLF"), Rounding.HalfUp(new Money(0.12345m, "CLF")));
        Assert.Equal("3", Rounding.HalfUp(new Money(2.5m, "JPY")).FormatAmount());
    }

    [Fact]
    public void HalfUp_result_is_always_acceptable_to_TryCreate()
    {
        var rounded = Rounding.HalfUp(new Money(100m / 3m, "EUR"));

        Assert.Equal(33.33m, rounded.Amount);
        Assert.True(Money.TryCreate(rounded.Amount, rounded.Currency, out _, out _));
    }
}

public class MoneyTotalsTests
{
    [Fact]
    public void Totals_are_kept_per_currency_and_sorted_by_code()
    {
        var amounts = new[]
        {
            new Money(1.10m, "USD"),
            new Money(100m, "JPY"),
            new Money(3.05m, "EUR"),
            new Money(2.00m, "USD"),
            new Money(1.10m, "EUR"),
            new Money(0.500m, "KWD"),
            new Money(50m, "JPY"),
            new Money(0.25m, "CHF"),
        };

        var totals = MoneyTotals.PerCurrency(amounts);

        Assert.Equal(
            new[]
            {
                new Money(0.25m, "CHF"),
                new Money(4.15m, "EUR"),
                new Money(150m, "JPY"),
                new Money(0.5m, "KWD"),
                new Money(3.10m, "USD"),
            },
            totals);
        Assert.Equal(new[] { "0.25", "4.15", "150", "0.500", "3.10" }, totals.Select(t => t.FormatAmount()));
    }

    [Fact]
    public void Sorting_is_ordinal_by_code()
    {
        var totals = MoneyTotals.PerCurrency(new[] { new Money(1m, "XOF"), new Money(1m, "AED"), new Money(1m, "XAF"), new Money(1m, "ZWG") });

        Assert.Equal(new[] { "AED", "XAF", "XOF", "ZWG" }, totals.Select(t => t.Currency));
    }

    [Fact]
    public void No_amounts_give_no_totals()
    {
        Assert.Empty(MoneyTotals.PerCurrency(Array.Empty<Money>()));
    }

    [Fact]
    public void A_single_currency_gives_one_total_even_when_it_sums_to_zero()
    {
        var totals = MoneyTotals.PerCurrency(new[] { new Money(5m, "EUR"), new Money(-5m, "EUR") });

        Assert.Equal(new[] { new Money(0m, "EUR") }, totals);
    }
}
