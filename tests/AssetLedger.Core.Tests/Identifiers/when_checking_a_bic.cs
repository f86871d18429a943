using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_a_bic
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
