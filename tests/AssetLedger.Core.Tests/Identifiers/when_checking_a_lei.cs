using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_a_lei
{
    [Theory]
    [InlineData("5493001KJTIIGC8Y1R12")]
    [InlineData("7LTWFZYICNSX8D621K86")]   // checked independently: mod 97 of the digit expansion is 1
    [InlineData("HWUPKR0MPOU8FGXBT394")]
    [InlineData("529900T8BM49AURSDO55")]
    [InlineData("213800D1EI4B9WTWWD28")]
    public void Valid_leis(string lei) => Assert.True(AssetIdentifiers.IsValidLei(lei));

    [Theory]
    [InlineData("5493001KJTIIGC8Y1R13")]    // check digit changed
    [InlineData("5493001KJTIIGC8Y1R21")]    // check digits swapped
    [InlineData("5493001KJTIIGC8Y1S12")]    // letter changed
    [InlineData("4593001KJTIIGC8Y1R12")]    // leading digits swapped
    [InlineData("5493001KJTIIGC8Y1R1")]     // 19
    [InlineData("5493001KJTIIGC8Y1R120")]   // 21
    [InlineData("5493001kjtiigc8y1r12")]    // lower case
    [InlineData("5493001KJTIIGC8Y1 12")]
    [InlineData("5493001KJTIIGC8Y1RA2")]    // check digits must be digits
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_leis(string? lei) => Assert.False(AssetIdentifiers.IsValidLei(lei));
}
