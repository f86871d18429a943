using NodaTime;

namespace AssetLedger.Core.Identifiers;

/// <summary>
/// The time zone in which a State's legal dates are turned into instants (domain.md, Time): the zone
/// of its capital. It is reference data, not configuration, because two ledgers must agree on it: a
/// certificate's time limit is computed in the executing State's zone on both sides. A ledger's own
/// views may map their jurisdiction otherwise (<c>Jurisdictions:TimeZones</c>); a State without an
/// entry uses UTC.
/// </summary>
public static class StateTimeZones
{
    private static readonly Dictionary<string, string> Zones = new(StringComparer.Ordinal)
    {
        // The Member States of the EU (Reg (EU) 2018/1805 binds all but DK and IE; they are listed all the same).
        ["AT"] = "Europe/Vienna", ["BE"] = "Europe/Brussels", ["BG"] = "Europe/Sofia", ["CY"] = "Asia/Nicosia",
        ["CZ"] = "Europe/Prague", ["DE"] = "Europe/Berlin", ["DK"] = "Europe/Copenhagen", ["EE"] = "Europe/Tallinn",
        ["ES"] = "Europe/Madrid", ["FI"] = "Europe/Helsinki", ["FR"] = "Europe/Paris", ["GR"] = "Europe/Athens",
        ["HR"] = "Europe/Zagreb", ["HU"] = "Europe/Budapest", ["IE"] = "Europe/Dublin", ["IT"] = "Europe/Rome",
        ["LT"] = "Europe/Vilnius", ["LU"] = "Europe/Luxembourg", ["LV"] = "Europe/Riga", ["MT"] = "Europe/Malta",
        ["NL"] = "Europe/Amsterdam", ["PL"] = "Europe/Warsaw", ["PT"] = "Europe/Lisbon", ["RO"] = "Europe/Bucharest",
        ["SE"] = "Europe/Stockholm", ["SI"] = "Europe/Ljubljana", ["SK"] = "Europe/Bratislava",
        // Others the sharing regimes name.
        ["GB"] = "Europe/London", ["US"] = "America/New_York", ["JP"] = "Asia/Tokyo",
    };

    /// <summary>The State's legal time zone, or UTC when it has no entry.</summary>
    public static DateTimeZone Of(string state) =>
        Zones.GetValueOrDefault(state) is { } id && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone ? zone : DateTimeZone.Utc;
}
