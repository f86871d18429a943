using System.Collections.Frozen;

namespace AssetLedger.Core.Identifiers;

/// <summary>
/// Validation of the free identifier map of an asset (key → value, e.g. "iban" → "NL91ABNA0417164300").
/// </summary>
/// <remarks>
/// <para>Every key must be 1–64 characters and not blank. Keys are matched exactly (ordinal,
/// case-sensitive): only the lower-case well-known keys below get a format check; "IBAN" is an
/// ordinary key.</para>
/// <para>Well-known keys, validated only when present:</para>
/// <list type="bullet">
///   <item><c>iban</c>: ISO 13616 — see <see cref="IsValidIban"/>.</item>
///   <item><c>bic</c>: ISO 9362 — see <see cref="IsValidBic"/>.</item>
///   <item><c>vin</c>: ISO 3779 — see <see cref="IsValidVin"/>.</item>
///   <item><c>imo</c>: IMO ship number — see <see cref="IsValidImo"/>.</item>
///   <item><c>lei</c>: ISO 17442 — see <see cref="IsValidLei"/>.</item>
/// </list>
/// <para>Every other key (<c>registration</c>, <c>landRegistry</c>, <c>wallet</c>, <c>serial</c>, …):
/// the value must not be blank and must be at most 200 characters. Lengths are counted in UTF-16 code
/// units (<see cref="string.Length"/>).</para>
/// <para>All well-known formats accept upper case only (no case folding): the ledger stores the value
/// as entered, and two spellings of one identifier must not both be accepted.</para>
/// </remarks>
public static class AssetIdentifiers
{
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 200;

    /// <summary>
    /// Returns one error message per invalid entry, keyed by the identifier key (ordinal order);
    /// an empty map when every entry is fine.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var errors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in identifiers)
        {
            var error = ValidateEntry(key, value);
            if (error is not null)
                errors[key] = error;
        }
        return errors;
    }

    private static string? ValidateEntry(string key, string? value)
    {
        if (key.Length is 0 or > MaxKeyLength || string.IsNullOrWhiteSpace(key))
            return $"Identifier key must be 1 to {MaxKeyLength} characters and not blank.";
        if (value is null)
            return "Identifier value is required.";
        return key switch
        {
            "iban" => IbanError(value),
            "bic" => IsValidBic(value) ? null
                : "BIC must be 8 or 11 upper-case characters: 4 letters, a valid ISO 3166-1 country code, 2 letters/digits and an optional 3-character branch code.",
            "vin" => IsValidVin(value) ? null
                : "VIN must be exactly 17 characters from A-Z and 0-9, without I, O or Q.",
            "imo" => IsValidImo(value) ? null
                : "IMO number must be 7 digits (optionally prefixed by \"IMO\" or \"IMO \") with a valid check digit.",
            "lei" => IsValidLei(value) ? null
                : "LEI must be 20 upper-case letters/digits with valid ISO 7064 MOD 97-10 check digits.",
            _ => string.IsNullOrWhiteSpace(value) ? "Identifier value must not be blank."
                : value.Length > MaxValueLength ? $"Identifier value must be at most {MaxValueLength} characters."
                : null,
        };
    }

    // ---------------------------------------------------------------- IBAN (ISO 13616)

    /// <summary>
    /// IBAN lengths per country, from the SWIFT IBAN Registry (ISO 13616 registration authority),
    /// 89 countries including the complete SEPA area, as published in 2025. Territories that use their
    /// parent's IBAN format (e.g. AX → FI, GF/GP/MQ/RE/… → FR, GG/IM/JE → GB) issue IBANs with the
    /// parent's country code and are therefore not listed separately.
    /// </summary>
    private static readonly FrozenDictionary<string, int> IbanLengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25,
        ["SV"] = 28, ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
        ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// ISO 13616 IBAN. Accepted forms: the electronic form ("NL91ABNA0417164300") and the print form
    /// with single spaces between characters ("NL91 ABNA 0417 1643 00"); no leading, trailing or double
    /// spaces, no other separators, and upper case only ("nl91abna…" is refused).
    /// Checks: valid ISO 3166-1 country code that has an entry in the SWIFT IBAN registry, the
    /// registered length for that country, check digits 02–98, and ISO 7064 MOD 97-10 (mod 97 == 1).
    /// The country-specific BBAN structure (which positions are letters or digits) is not checked.
    /// </summary>
    public static bool IsValidIban(string? value) => value is not null && IbanError(value) is null;

    private static string? IbanError(string value)
    {
        if (value.Length > MaxIbanInputLength)
            return "IBAN must be at most 34 characters (plus separating spaces).";
        if (!TryCompactIban(value, out var iban))
            return "IBAN must be upper-case letters A-Z and digits, optionally grouped with single spaces.";
        if (iban.Length < 5 || !IsUpperLetter(iban[0]) || !IsUpperLetter(iban[1]) || !IsDigit(iban[2]) || !IsDigit(iban[3]))
            return "IBAN must start with a 2-letter country code followed by 2 check digits.";
        var country = iban[..2];
        if (!Countries.IsAlpha2(country))
            return $"IBAN country code '{country}' is not an ISO 3166-1 country code.";
        if (!IbanLengths.TryGetValue(country, out var expectedLength))
            return $"No IBAN format is registered for country '{country}'.";
        if (iban.Length != expectedLength)
            return $"An IBAN for {country} has {expectedLength} characters, not {iban.Length}.";
        var checkDigits = (iban[2] - '0') * 10 + (iban[3] - '0');
        if (checkDigits is < 2 or > 98)
            return "IBAN check digits must be between 02 and 98.";
        // Move country code and check digits to the end, then mod 97 over the digit expansion must be 1.
        if (Mod97(iban.AsSpan(4), iban.AsSpan(0, 4)) != 1)
            return "IBAN checksum (ISO 7064 MOD 97-10) does not match.";
        return null;
    }

    // 34 characters (the ISO 13616 maximum) plus one separator between every pair of characters.
    private const int MaxIbanInputLength = 34 * 2 - 1;

    /// <summary>Removes single spaces between characters; false on any other character or spacing.</summary>
    private static bool TryCompactIban(string value, out string compact)
    {
        compact = "";
        if (value.Length == 0 || value.Length > MaxIbanInputLength) return false;
        Span<char> buffer = stackalloc char[value.Length];
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == ' ')
            {
                // A space is only a separator: never first, last, or next to another space.
                if (i == 0 || i == value.Length - 1 || value[i + 1] == ' ') return false;
                continue;
            }
            if (!IsUpperLetter(c) && !IsDigit(c)) return false;
            buffer[n++] = c;
        }
        compact = new string(buffer[..n]);
        return true;
    }

    // ---------------------------------------------------------------- BIC (ISO 9362)

    /// <summary>
    /// ISO 9362 BIC: 8 or 11 characters — 4 letters (institution), a valid ISO 3166-1 alpha-2 country
    /// code (XK accepted), 2 letters/digits (location), optionally 3 letters/digits (branch).
    /// Upper case only, no spaces.
    /// </summary>
    public static bool IsValidBic(string? value)
    {
        if (value is null || (value.Length != 8 && value.Length != 11)) return false;
        for (var i = 0; i < 4; i++)
            if (!IsUpperLetter(value[i])) return false;
        if (!Countries.IsAlpha2(value.Substring(4, 2))) return false;
        for (var i = 6; i < value.Length; i++)
            if (!IsUpperLetter(value[i]) && !IsDigit(value[i])) return false;
        return true;
    }

    // ---------------------------------------------------------------- VIN (ISO 3779)

    /// <summary>
    /// Vehicle identification number: exactly 17 characters from A-Z and 0-9 excluding I, O and Q.
    /// Upper case only. The position-9 check digit (mandatory only in North America) is not verified.
    /// </summary>
    public static bool IsValidVin(string? value)
    {
        if (value is null || value.Length != 17) return false;
        foreach (var c in value)
        {
            if (IsDigit(c)) continue;
            if (!IsUpperLetter(c) || c is 'I' or 'O' or 'Q') return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- IMO ship number

    /// <summary>
    /// IMO ship identification number: 7 digits, optionally prefixed by "IMO" or "IMO " (upper case);
    /// the last digit equals (d1·7 + d2·6 + d3·5 + d4·4 + d5·3 + d6·2) mod 10.
    /// </summary>
    public static bool IsValidImo(string? value)
    {
        if (value is null) return false;
        var digits = value.AsSpan();
        if (digits.StartsWith("IMO", StringComparison.Ordinal))
        {
            digits = digits[3..];
            if (digits.Length > 0 && digits[0] == ' ') digits = digits[1..];
        }
        if (digits.Length != 7) return false;
        foreach (var c in digits)
            if (!IsDigit(c)) return false;
        var sum = 0;
        for (var i = 0; i < 6; i++)
            sum += (digits[i] - '0') * (7 - i);
        return sum % 10 == digits[6] - '0';
    }

    // ---------------------------------------------------------------- LEI (ISO 17442)

    /// <summary>
    /// ISO 17442 Legal Entity Identifier: 20 characters, upper-case letters and digits, the last two
    /// being digits, and the whole code (letters as A=10 … Z=35) mod 97 == 1 (ISO 7064 MOD 97-10).
    /// </summary>
    public static bool IsValidLei(string? value)
    {
        if (value is null || value.Length != 20) return false;
        foreach (var c in value)
            if (!IsUpperLetter(c) && !IsDigit(c)) return false;
        if (!IsDigit(value[18]) || !IsDigit(value[19])) return false;
        return Mod97(value, ReadOnlySpan<char>.Empty) == 1;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// The number formed by <paramref name="first"/> then <paramref name="second"/>, each letter
    /// replaced by its two-digit value (A=10 … Z=35), modulo 97. Input must be [A-Z0-9] only.
    /// </summary>
    private static int Mod97(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var remainder = 0;
        foreach (var c in first) remainder = Step(remainder, c);
        foreach (var c in second) remainder = Step(remainder, c);
        return remainder;

        static int Step(int remainder, char c) =>
            IsDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
    }

    private static bool IsUpperLetter(char c) => c is >= 'A' and <= 'Z';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}
