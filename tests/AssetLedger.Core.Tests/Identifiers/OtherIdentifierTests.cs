using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class BicTests
{
    [Theory]
    [InlineData("DEUTDEFF")]
    [InlineData("DEUTDEFF500")]
    [InlineData("ABNANL2A")]
    [InlineData("NEDSNL2A")]
    [InlineData("BNPAFRPPXXX")]
    [InlineData("RZBAATWW")]
    [InlineData("RBKOXKPR")]      // Kosovo
    [InlineData("DEUTDEF0")]      // location code may be a digit pair / test BIC
    public void Valid_bics(string bic) => Assert.True(AssetIdentifiers.IsValidBic(bic));

    [Theory]
    [InlineData("DEUTDEF")]       // 7
    [InlineData("DEUTDEFF5")]     // 9
    [InlineData("DEUTDEFF50")]    // 10
    [InlineData("DEUTDEFF5000")]  // 12
    [InlineData("DEUTXXFF")]      // XX is not a country
    [InlineData("DEUTUKFF")]      // UK is not the ISO code
    [InlineData("DEU1DEFF")]      // institution code must be letters
    [InlineData("deutdeff")]
    [InlineData("DEUTdeFF")]
    [InlineData("DEUTDEff")]
    [InlineData("DEUTDEFF 500")]
    [InlineData("DEUTDEFF-50")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_bics(string? bic) => Assert.False(AssetIdentifiers.IsValidBic(bic));
}

public class VinTests
{
    [Theory]
    [InlineData("1M8GDM9AXKP042788")]
    [InlineData("WVWZZZ1JZXW000001")]
    [InlineData("JH4KA7650MC000000")]
    [InlineData("11111111111111111")]
    public void Valid_vins(string vin) => Assert.True(AssetIdentifiers.IsValidVin(vin));

    [Theory]
    [InlineData("1M8GDM9AXKP04278O")]   // O
    [InlineData("1M8GDM9AXKP04278I")]   // I
    [InlineData("1M8GDM9AXKP04278Q")]   // Q
    [InlineData("1M8GDM9AXKP04278")]    // 16
    [InlineData("1M8GDM9AXKP0427880")]  // 18
    [InlineData("1m8gdm9axkp042788")]
    [InlineData("1M8GDM9AXKP 42788")]
    [InlineData("1M8GDM9AXKP-42788")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_vins(string? vin) => Assert.False(AssetIdentifiers.IsValidVin(vin));
}

public class ImoTests
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

public class LeiTests
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
