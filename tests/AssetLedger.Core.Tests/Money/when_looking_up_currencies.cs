using System.Text.RegularExpressions;
using AssetLedger.Core.Money;

namespace AssetLedger.Core.Tests.Money;

public class when_looking_up_currencies
{
    [Fact]
    public void Table_has_a_plausible_size()
    {
        Assert.InRange(Currencies.All.Count, 150, 185);
    }

    [Fact]
    public void Every_code_is_three_upper_case_letters_with_a_known_minor_unit()
    {
        foreach (var (code, minor) in Currencies.All)
        {
            Assert.Matches(new Regex("^[A-Z]{3}$"), code);
            Assert.Contains(minor, new[] { 0, 2, 3, 4 });
        }
    }

    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("USD", 2)]
    [InlineData("GBP", 2)]
    [InlineData("CHF", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("VND", 0)]
    [InlineData("ISK", 0)]
    [InlineData("UGX", 0)]
    [InlineData("CLP", 0)]
    [InlineData("PYG", 0)]
    [InlineData("XOF", 0)]
    [InlineData("XAF", 0)]
    [InlineData("XPF", 0)]
    [InlineData("UYI", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("TND", 3)]
    [InlineData("OMR", 3)]
    [InlineData("JOD", 3)]
    [InlineData("IQD", 3)]
    [InlineData("LYD", 3)]
    [InlineData("CLF", 4)]
    [InlineData("UYW", 4)]
    [InlineData("ZWG", 2)]
    [InlineData("XCG", 2)]
    [InlineData("SLE", 2)]
    [InlineData("VED", 2)]
    [InlineData("VES", 2)]
    [InlineData("XAD", 2)]
    [InlineData("CUP", 2)]
    public void Spot_checks(string code, int expectedMinorUnit)
    {
        Assert.True(Currencies.TryGetMinorUnit(code, out var minor));
        Assert.Equal(expectedMinorUnit, minor);
        Assert.Equal(expectedMinorUnit, Currencies.MinorUnitOf(code));
        Assert.Equal(expectedMinorUnit, Currencies.All[code]);
    }

    [Theory]
    // No minor unit ("N.A." in ISO 4217): precious metals, SDR, bond-market units, test and no-currency codes.
    [InlineData("XAU")]
    [InlineData("XAG")]
    [InlineData("XPT")]
    [InlineData("XPD")]
    [InlineData("XDR")]
    [InlineData("XBA")]
    [InlineData("XBB")]
    [InlineData("XBC")]
    [InlineData("XBD")]
    [InlineData("XSU")]
    [InlineData("XUA")]
    [InlineData("XTS")]
    [InlineData("XXX")]
    // Withdrawn.
    [InlineData("HRK")]
    [InlineData("SLL")]
    [InlineData("ANG")]
    [InlineData("ZWL")]
    [InlineData("CUC")]
    [InlineData("BGN")]
    [InlineData("DEM")]
    // Not exact.
    [InlineData("eur")]
    [InlineData("Eur")]
    [InlineData(" EUR")]
    [InlineData("EU")]
    [InlineData("")]
    public void Refused_codes(string code)
    {
        Assert.False(Currencies.TryGetMinorUnit(code, out var minor));
        Assert.Equal(0, minor);
        Assert.False(Currencies.All.ContainsKey(code));
        Assert.Throws<ArgumentException>(() => Currencies.MinorUnitOf(code));
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.False(Currencies.TryGetMinorUnit(null, out _));
    }
}
