using System.Collections.Frozen;

namespace AssetLedger.Core.Identifiers;

/// <summary>
/// ISO 3166-1 alpha-2 country codes.
/// </summary>
/// <remarks>
/// Source: the 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency; checked
/// against the Debian iso-codes 4.15 and IANA tzdata 2025b copies of the list, November 2026).
/// Exceptionally reserved, transitionally reserved, indeterminately reserved and user-assigned codes
/// are not included, with one exception: <c>XK</c> (Kosovo) is user-assigned, not an ISO code, but is used
/// by the European Commission, SWIFT (IBAN and BIC) and many others, so it is accepted.
/// Matching is exact and case-sensitive: "NL" is a country, "nl" and " NL" are not.
/// </remarks>
public static class Countries
{
    // User-assigned code for Kosovo, accepted in addition to the 249 ISO codes (see remarks).
    private const string Kosovo = "XK";

    private static readonly FrozenSet<string> Codes = new[]
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ",
        "EC", "EE", "EG", "EH", "ER", "ES", "ET",
        "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
        "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
        "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
        "QA",
        "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ",
        "VA", "VC", "VE", "VG", "VI", "VN", "VU",
        "WF", "WS",
        "YE", "YT",
        "ZA", "ZM", "ZW",
        Kosovo,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The 249 ISO 3166-1 alpha-2 codes plus XK (250 entries), upper case.</summary>
    public static IReadOnlySet<string> All => Codes;

    /// <summary>True when <paramref name="code"/> is exactly one of <see cref="All"/>.</summary>
    public static bool IsAlpha2(string? code) => code is not null && Codes.Contains(code);
}
