using System.Globalization;
using AssetLedger.Core.Money;

namespace AssetLedger.Core.Tests.Money;

using Money = AssetLedger.Core.Money.Money;

public class when_totalling_money_per_currency
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
