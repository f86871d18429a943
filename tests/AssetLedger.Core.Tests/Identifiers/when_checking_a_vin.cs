using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_a_vin
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
