using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_an_imo_number
{
    [Theory]
    [InlineData("9074729")]     // 9·7+0·6+7·5+4·4+7·3+2·2 = 139 → 9
    [InlineData("IMO 9074729")]
    [InlineData("IMO9074729")]
    [InlineData("9176187")]
    [InlineData("8814275")]
    [InlineData("0000000")]
    public void Valid_imo_numbers(string imo) => Assert.True(AssetIdentifiers.IsValidImo(imo));

    [Theory]
    [InlineData("9074728")]     // wrong check digit
    [InlineData("9074720")]
    [InlineData("9704729")]     // digits swapped
    [InlineData("907472")]
    [InlineData("90747290")]
    [InlineData("IMO  9074729")]
    [InlineData("imo 9074729")]
    [InlineData("Imo9074729")]
    [InlineData("IMO-9074729")]
    [InlineData(" 9074729")]
    [InlineData("9074729 ")]
    [InlineData("907472A")]
    [InlineData("IMO")]
    [InlineData("IMO ")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_imo_numbers(string? imo) => Assert.False(AssetIdentifiers.IsValidImo(imo));
}
