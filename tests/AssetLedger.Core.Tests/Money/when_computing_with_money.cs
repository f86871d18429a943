using System.Globalization;

namespace AssetLedger.Core.Tests.Money;

// Inside this namespace the simple name "Money" would otherwise resolve to the test namespace itself.
using Money = AssetLedger.Core.Money.Money;

public class when_computing_with_money
{
    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("120000.00", "EUR")]   // trailing zeros beyond the significant decimals are fine
    [InlineData("120000", "EUR")]
    [InlineData("0.01", "EUR")]
    [InlineData("0.010", "EUR")]
    [InlineData("0", "EUR")]
    [InlineData("5", "JPY")]
    [InlineData("5.000", "JPY")]
    [InlineData("1.234", "KWD")]
    [InlineData("1.2345", "CLF")]
    [InlineData("1.2345", "UYW")]
    [InlineData("1000", "XOF")]
    [InlineData("99.99", "USD")]
    [InlineData("10.5", "ZWG")]
    [InlineData("10.25", "XCG")]
    [InlineData("1000000000000000", "EUR")]
    [InlineData("1000000000000000.00", "EUR")]
    [InlineData("-1000000000000000", "JPY")]
    public void TryCreate_accepts_amounts_within_the_minor_unit(string amount, string currency)
    {
        var ok = Money.TryCreate(D(amount), currency, out var money, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal(D(amount), money.Amount);
        Assert.Equal(currency, money.Currency);
    }

    [Theory]
    [InlineData("0.001", "EUR", "EUR allows at most 2 decimal(s).")]
    [InlineData("120000.005", "EUR", "EUR allows at most 2 decimal(s).")]
    [InlineData("0.5", "JPY", "JPY allows at most 0 decimal(s).")]
    [InlineData("1.2345", "KWD", "KWD allows at most 3 decimal(s).")]
    [InlineData("1.23456", "CLF", "CLF allows at most 4 decimal(s).")]
    [InlineData("0.0000000000000000000000000001", "CLF", "CLF allows at most 4 decimal(s).")]
    [InlineData("1", "ABC", "'ABC' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1000000000000000.01", "EUR", "An amount is at most 1,000,000,000,000,000 EUR.")]
    [InlineData("-1000000000000001", "JPY", "An amount is at most 1,000,000,000,000,000 JPY.")]
    [InlineData("79228162514264337593543950335", "EUR", "An amount is at most 1,000,000,000,000,000 EUR.")]
    [InlineData("1", "XAU", "'XAU' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "XDR", "'XDR' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "XXX", "'XXX' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "eur", "'eur' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "EUR ", "'EUR ' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "", "'' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "HRK", "'HRK' is not an ISO 4217 currency with a minor unit.")]
    [InlineData("1", "BGN", "'BGN' is not an ISO 4217 currency with a minor unit.")]
    public void TryCreate_refuses_with_an_exact_message(string amount, string currency, string expectedError)
    {
        var ok = Money.TryCreate(D(amount), currency, out var money, out var error);

        Assert.False(ok);
        Assert.Equal(expectedError, error);
        Assert.Equal(default, money);
    }

    [Fact]
    public void TryCreate_refuses_a_null_currency()
    {
        var ok = Money.TryCreate(1m, null!, out _, out var error);

        Assert.False(ok);
        Assert.Equal("'' is not an ISO 4217 currency with a minor unit.", error);
    }

    [Theory]
    [InlineData("120000.00", 0)]
    [InlineData("120000", 0)]
    [InlineData("0", 0)]
    [InlineData("0.000", 0)]
    [InlineData("1.10", 1)]
    [InlineData("-1.250", 2)]
    [InlineData("5000.005", 3)]
    [InlineData("0.0001", 4)]
    [InlineData("0.0000000000000000000000000001", 28)]
    [InlineData("1.0000000000000000000000000001", 28)]
    [InlineData("79228162514264337593543950335", 0)]
    [InlineData("-79228162514264337593543950335", 0)]
    [InlineData("7922816251426433759354395033.5", 1)]
    [InlineData("123456789012345678.90", 1)]
    public void DecimalPlaces_counts_significant_decimals_only(string value, int expected)
    {
        Assert.Equal(expected, Money.DecimalPlaces(D(value)));
    }

    [Fact]
    public void DecimalPlaces_ignores_a_scale_made_of_zeros()
    {
        // 0 with scale 28, built explicitly (not via parsing).
        Assert.Equal(0, Money.DecimalPlaces(new decimal(0, 0, 0, false, 28)));
        Assert.Equal(0, Money.DecimalPlaces(new decimal(100, 0, 0, false, 2)));   // 1.00
    }

    [Theory]
    [InlineData("5", "JPY", "5")]
    [InlineData("1.5", "KWD", "1.500")]
    [InlineData("1.5", "BHD", "1.500")]
    [InlineData("120000", "EUR", "120000.00")]
    [InlineData("120000.00", "EUR", "120000.00")]
    [InlineData("0.1", "EUR", "0.10")]
    [InlineData("0", "EUR", "0.00")]
    [InlineData("1234567.89", "USD", "1234567.89")]   // no group separators
    [InlineData("1", "CLF", "1.0000")]
    [InlineData("1.2345", "CLF", "1.2345")]
    [InlineData("0", "XOF", "0")]
    [InlineData("-3.5", "EUR", "-3.50")]
    [InlineData("79228162514264337593543950335", "EUR", "79228162514264337593543950335.00")]
    public void FormatAmount_writes_exactly_the_minor_unit_decimals(string amount, string currency, string expected)
    {
        Assert.Equal(expected, new Money(D(amount), currency).FormatAmount());
    }

    [Fact]
    public void FormatAmount_and_ToString_ignore_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var money = new Money(1234.5m, "KWD");
            Assert.Equal("1234.500", money.FormatAmount());
            Assert.Equal("KWD 1234.500", money.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void MinorUnit_comes_from_the_currency_table()
    {
        Assert.Equal(2, new Money(1m, "EUR").MinorUnit);
        Assert.Equal(0, new Money(1m, "JPY").MinorUnit);
        Assert.Equal(3, new Money(1m, "KWD").MinorUnit);
        Assert.Equal(4, new Money(1m, "CLF").MinorUnit);
        Assert.Throws<ArgumentException>(() => new Money(1m, "XAU").MinorUnit);
    }

    [Fact]
    public void Zero_is_zero_in_that_currency()
    {
        Assert.Equal(new Money(0m, "JPY"), Money.Zero("JPY"));
        Assert.Equal("0", Money.Zero("JPY").FormatAmount());
    }

    [Fact]
    public void Addition_and_subtraction_keep_the_currency()
    {
        var a = new Money(10.25m, "EUR");
        var b = new Money(0.75m, "EUR");

        Assert.Equal(new Money(11.00m, "EUR"), a + b);
        Assert.Equal(new Money(9.50m, "EUR"), a - b);
        Assert.Equal("11.00", (a + b).FormatAmount());
    }

    [Fact]
    public void Different_currencies_are_never_added()
    {
        var eur = new Money(1m, "EUR");
        var usd = new Money(1m, "USD");

        var ex = Assert.Throws<InvalidOperationException>(() => eur + usd);
        Assert.Equal("Cannot combine EUR and USD: amounts of different currencies are never added.", ex.Message);
        Assert.Throws<InvalidOperationException>(() => eur - usd);
    }

    [Fact]
    public void Comparisons_within_one_currency()
    {
        var small = new Money(1.00m, "EUR");
        var large = new Money(2.50m, "EUR");

        Assert.True(small < large);
        Assert.False(large < small);
        Assert.True(large > small);
        Assert.False(small > large);
        Assert.True(small <= new Money(1m, "EUR"));
        Assert.True(small >= new Money(1m, "EUR"));
        Assert.False(large <= small);
    }

    [Fact]
    public void Comparing_different_currencies_always_throws()
    {
        // Regression: these used to return false without checking the currency whenever the
        // amount comparison alone was already false.
        var eur5 = new Money(5m, "EUR");
        var usd3 = new Money(3m, "USD");

        Assert.Throws<InvalidOperationException>(() => eur5 < usd3);
        Assert.Throws<InvalidOperationException>(() => usd3 > eur5);
        Assert.Throws<InvalidOperationException>(() => eur5 <= usd3);
        Assert.Throws<InvalidOperationException>(() => usd3 >= eur5);
        Assert.Throws<InvalidOperationException>(() => usd3 < eur5);
        Assert.Throws<InvalidOperationException>(() => eur5 > usd3);
    }

    [Fact]
    public void Equal_amounts_with_different_scales_are_equal_money()
    {
        Assert.Equal(new Money(1.0m, "EUR"), new Money(1.00m, "EUR"));
        Assert.Equal(new Money(1.0m, "EUR").GetHashCode(), new Money(1.00m, "EUR").GetHashCode());
        Assert.NotEqual(new Money(1m, "EUR"), new Money(1m, "USD"));
    }
}
