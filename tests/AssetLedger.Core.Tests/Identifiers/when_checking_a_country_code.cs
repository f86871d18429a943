using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_a_country_code
{
    [Fact]
    public void All_holds_the_249_ISO_codes_plus_Kosovo()
    {
        Assert.Equal(250, Countries.All.Count);
        Assert.Contains("XK", Countries.All);
        Assert.All(Countries.All, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("NL")]
    [InlineData("DE")]
    [InlineData("GB")]
    [InlineData("US")]
    [InlineData("JP")]
    [InlineData("AX")]
    [InlineData("AQ")]
    [InlineData("BQ")]
    [InlineData("CW")]
    [InlineData("SX")]
    [InlineData("SS")]
    [InlineData("EH")]
    [InlineData("PS")]
    [InlineData("TW")]
    [InlineData("UM")]
    [InlineData("ZW")]
    [InlineData("XK")]
    public void Assigned_codes_are_accepted(string code)
    {
        Assert.True(Countries.IsAlpha2(code));
    }

    [Theory]
    [InlineData("UK")]   // exceptionally reserved; the ISO code is GB
    [InlineData("EU")]   // exceptionally reserved
    [InlineData("AN")]   // Netherlands Antilles, deleted
    [InlineData("YU")]
    [InlineData("CS")]
    [InlineData("XX")]
    [InlineData("XA")]
    [InlineData("ZZ")]
    [InlineData("QO")]
    [InlineData("nl")]
    [InlineData("Nl")]
    [InlineData("NLD")]
    [InlineData("N")]
    [InlineData(" NL")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_strings_are_refused(string? code)
    {
        Assert.False(Countries.IsAlpha2(code));
    }
}
