using AssetLedger.Core.Identifiers;

namespace AssetLedger.Core.Tests.Identifiers;

public class when_validating_asset_identifiers
{
    private const string BicMessage =
        "BIC must be 8 or 11 upper-case characters: 4 letters, a valid ISO 3166-1 country code, 2 letters/digits and an optional 3-character branch code.";
    private const string VinMessage = "VIN must be exactly 17 characters from A-Z and 0-9, without I, O or Q.";
    private const string ImoMessage = "IMO number must be 7 digits (optionally prefixed by \"IMO\" or \"IMO \") with a valid check digit.";
    private const string LeiMessage = "LEI must be 20 upper-case letters/digits with valid ISO 7064 MOD 97-10 check digits.";
    private const string KeyMessage = "Identifier key must be 1 to 64 characters and not blank.";
    private const string BlankMessage = "Identifier value must not be blank.";
    private const string LongMessage = "Identifier value must be at most 200 characters.";

    [Fact]
    public void An_empty_map_is_fine()
    {
        Assert.Empty(AssetIdentifiers.Validate(new Dictionary<string, string>()));
    }

    [Fact]
    public void Valid_well_known_and_free_identifiers_give_no_errors()
    {
        var identifiers = new Dictionary<string, string>
        {
            ["iban"] = "NL91 ABNA 0417 1643 00",
            ["bic"] = "ABNANL2A",
            ["vin"] = "1M8GDM9AXKP042788",
            ["imo"] = "IMO 9074729",
            ["lei"] = "5493001KJTIIGC8Y1R12",
            ["registration"] = "AB-123-C",
            ["landRegistry"] = "Amsterdam K 1234 A 5",
            ["wallet"] = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            ["serial"] = "SN 0001",
            ["x"] = new string('v', 200),
            [new string('k', 64)] = "value",
        };

        Assert.Empty(AssetIdentifiers.Validate(identifiers));
    }

    [Fact]
    public void Every_invalid_entry_is_reported_with_its_message_and_valid_ones_are_not()
    {
        var identifiers = new Dictionary<string, string>
        {
            ["iban"] = "NL91ABNA0417164301",
            ["bic"] = "ABNANL2",
            ["vin"] = "1M8GDM9AXKP04278O",
            ["imo"] = "9074728",
            ["lei"] = "5493001KJTIIGC8Y1R13",
            ["serial"] = "",
            ["wallet"] = "   ",
            ["registration"] = new string('r', 201),
            ["landRegistry"] = "ok",
            [""] = "value",
            [" "] = "value",
            [new string('k', 65)] = "value",
        };

        var errors = AssetIdentifiers.Validate(identifiers);

        var expected = new Dictionary<string, string>
        {
            ["iban"] = "IBAN checksum (ISO 7064 MOD 97-10) does not match.",
            ["bic"] = BicMessage,
            ["vin"] = VinMessage,
            ["imo"] = ImoMessage,
            ["lei"] = LeiMessage,
            ["serial"] = BlankMessage,
            ["wallet"] = BlankMessage,
            ["registration"] = LongMessage,
            [""] = KeyMessage,
            [" "] = KeyMessage,
            [new string('k', 65)] = KeyMessage,
        };
        Assert.Equal(expected, errors);
    }

    [Fact]
    public void Errors_are_listed_in_ordinal_key_order()
    {
        var errors = AssetIdentifiers.Validate(new Dictionary<string, string>
        {
            ["vin"] = "x",
            ["Serial"] = "",
            ["bic"] = "x",
            ["iban"] = "x",
        });

        Assert.Equal(new[] { "Serial", "bic", "iban", "vin" }, errors.Keys);
    }

    [Fact]
    public void Well_known_keys_are_matched_exactly()
    {
        // "IBAN" and "Vin" are free keys: only non-blank and length are checked.
        var errors = AssetIdentifiers.Validate(new Dictionary<string, string>
        {
            ["IBAN"] = "not an iban",
            ["Vin"] = "not a vin",
        });

        Assert.Empty(errors);
    }

    [Fact]
    public void A_null_value_is_reported()
    {
        var errors = AssetIdentifiers.Validate(new Dictionary<string, string> { ["serial"] = null! });

        Assert.Equal("Identifier value is required.", errors["serial"]);
    }

    [Fact]
    public void A_null_map_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => AssetIdentifiers.Validate(null!));
    }
}
