using System.Text.Json;
using System.Globalization;
using AssetLedger.Api.Infrastructure;
using FsCheck;
using FsCheck.Fluent;

namespace AssetLedger.Api.Tests.Validation;

/// <summary>An amount comes in as the very number the client wrote, or not at all: never rounded by the parser.</summary>
public sealed class when_reading_decimals_exactly
{
    private static (bool Ok, decimal Value) Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return (TextRules.TryDecimal(doc.RootElement, out var d), d);
    }

    [Theory]
    [InlineData("120000.00", "120000.00")]
    [InlineData("\"120000.00\"", "120000.00")]
    [InlineData("1e2", "100")]
    [InlineData("1.5E+1", "15")]
    [InlineData("2500e-2", "25")]
    [InlineData("0.000", "0")]
    [InlineData("-0", "0")]
    [InlineData("\"-12.340\"", "-12.34")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("\"0.0000000000000000000000000001\"", "0.0000000000000000000000000001")]
    public void a_number_a_decimal_holds_is_read_as_written(string json, string expected)
    {
        var (ok, value) = Read(json);
        Assert.True(ok);
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("10000.000000000000000000000000001")]
    [InlineData("\"10000.000000000000000000000000001\"")]
    [InlineData("1e-30")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("1.00000000000000000000000000001")]
    [InlineData("1e400")]
    [InlineData("1e99999999999")]
    public void a_number_a_decimal_would_round_is_refused(string json) => Assert.False(Read(json).Ok);

    [Theory]
    [InlineData("100", 100, true)]
    [InlineData("1.0e2", 100, true)]
    [InlineData("100.1", 100, false)]
    [InlineData("-5", 5, false)]
    [InlineData("0", 0, true)]
    public void exactness_compares_value_and_sign(string text, int value, bool exact) =>
        Assert.Equal(exact, TextRules.IsExactly(text, value));

    /// <summary>Every decimal, written as a JSON number or a string (with its trailing zeros, or an exponent), reads back as itself.</summary>
    [Fact]
    public void every_decimal_reads_back_as_itself()
    {
        var decimals =
            from lo in Gen.Choose(int.MinValue, int.MaxValue)
            from mid in Gen.Choose(int.MinValue, int.MaxValue)
            from hi in Gen.OneOf(Gen.Constant(0), Gen.Choose(0, 1000), Gen.Choose(int.MinValue, int.MaxValue))
            from negative in Gen.Elements(true, false)
            from scale in Gen.Choose(0, 28)
            select new decimal(lo, mid, hi, negative, (byte)scale);
        Prop.ForAll(decimals.ToArbitrary(), d =>
        {
            var text = d.ToString(CultureInfo.InvariantCulture);
            var asNumber = Read(text);
            var asString = Read($"\"{text}\"");
            var withExponent = Read(decimal.Truncate(d) == d ? $"{decimal.Truncate(d):0}0e-1" : text);
            return asNumber.Ok && asNumber.Value == d && asString.Ok && asString.Value == d && withExponent.Ok && withExponent.Value == d;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5_000));
    }
}
