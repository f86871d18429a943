using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_checking_an_iban
{
    [Theory]
    [InlineData("NL91ABNA0417164300")]
    [InlineData("DE89370400440532013000")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("GB29NWBK60161331926819")]
    [InlineData("BE68539007547034")]                       // 16
    [InlineData("NO9386011117947")]                        // 15, the shortest
    [InlineData("FR1420041010050500013M02606")]            // letter inside the BBAN
    [InlineData("IT60X0542811101000000123456")]
    [InlineData("MT84MALT011000012345MTLCAST001S")]
    [InlineData("LC55HEMM000100010012001200023015")]       // 32
    [InlineData("RU0204452560040702810412345678901")]      // 33, the longest
    [InlineData("SC18SSCB11010000000000001497USD")]
    [InlineData("XK051212012345678906")]                   // Kosovo
    [InlineData("YE15CBYE0001018861234567891234")]
    [InlineData("HN88CABF00000000000250005469")]
    [InlineData("OM810180000001299123456")]
    [InlineData("FK88SC123456789012")]
    [InlineData("BI4210000100010000332045181")]
    [InlineData("NL02ABNA0417164350")]                     // check digits 02: lowest allowed
    [InlineData("NL98ABNA0417164368")]                     // check digits 98: highest allowed
    [InlineData("NL91 ABNA 0417 1643 00")]                 // print form
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("NL91ABNA 0417164300")]                    // single spaces anywhere between characters
    public void Valid_ibans(string iban)
    {
        Assert.True(AssetIdentifiers.IsValidIban(iban));
    }

    [Theory]
    [InlineData("NL91ABNA0417164301")]          // last digit changed
    [InlineData("DE89370400440532013001")]
    [InlineData("GB82WEST12345698765433")]
    [InlineData("GB82WEST12345698765423")]      // two adjacent digits swapped
    [InlineData("NL19ABNA0417164300")]          // check digits swapped
    [InlineData("NL91ABNB0417164300")]          // letter changed
    [InlineData("NL91ABNA041716430")]           // too short for NL
    [InlineData("NL91ABNA04171643000")]         // too long for NL
    [InlineData("DE8937040044053201300")]
    [InlineData("XX91ABNA0417164300")]          // not a country
    [InlineData("UK82WEST12345698765432")]      // UK is not the ISO code (GB is)
    [InlineData("US64SVBKUS6S3300958879")]      // a country without an IBAN format
    [InlineData("nl91abna0417164300")]          // lower case is refused
    [InlineData("Nl91ABNA0417164300")]
    [InlineData(" NL91ABNA0417164300")]
    [InlineData("NL91ABNA0417164300 ")]
    [InlineData("NL91  ABNA0417164300")]        // double space
    [InlineData("NL91-ABNA-0417-1643-00")]
    [InlineData("NL91\tABNA0417164300")]
    [InlineData("NL99ABNA0417164350")]          // passes mod 97 (99 ≡ 02) but 99 is not a valid check-digit pair
    [InlineData("NL01ABNA0417164368")]          // passes mod 97 (01 ≡ 98) but 01 is not valid
    [InlineData("NL00ABNA0417164300")]
    [InlineData("NLAAABNA0417164300")]
    [InlineData("1291ABNA0417164300")]
    [InlineData("NL")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_ibans(string? iban)
    {
        Assert.False(AssetIdentifiers.IsValidIban(iban));
    }

    [Theory]
    [InlineData("NL91ABNA0417164301", "IBAN checksum (ISO 7064 MOD 97-10) does not match.")]
    [InlineData("NL91ABNA041716430", "An IBAN for NL has 18 characters, not 17.")]
    [InlineData("XX91ABNA0417164300", "IBAN country code 'XX' is not an ISO 3166-1 country code.")]
    [InlineData("US64SVBKUS6S3300958879", "No IBAN format is registered for country 'US'.")]
    [InlineData("nl91abna0417164300", "IBAN must be upper-case letters A-Z and digits, optionally grouped with single spaces.")]
    [InlineData("NL99ABNA0417164350", "IBAN check digits must be between 02 and 98.")]
    [InlineData("NLAAABNA0417164300", "IBAN must start with a 2-letter country code followed by 2 check digits.")]
    public void Validate_explains_why_an_iban_is_refused(string iban, string expected)
    {
        var errors = AssetIdentifiers.Validate(new Dictionary<string, string> { ["iban"] = iban });

        Assert.Equal(new Dictionary<string, string> { ["iban"] = expected }, errors);
    }

    [Fact]
    public void An_overlong_value_is_refused_with_its_own_message()
    {
        var errors = AssetIdentifiers.Validate(new Dictionary<string, string> { ["iban"] = new string('1', 68) });

        Assert.Equal("IBAN must be at most 34 characters (plus separating spaces).", errors["iban"]);
    }
}
