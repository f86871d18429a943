using System.Globalization;
using AssetLedger.Core.Money;

namespace AssetLedger.Core.Tests.Money;

using Money = AssetLedger.Core.Money.Money;

public class when_rounding_money
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
