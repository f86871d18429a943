using NodaTime;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Turns the clock's instant into a legal date in a jurisdiction's time zone. The map comes from
/// configuration (<c>Jurisdictions:TimeZones:NL = Europe/Amsterdam</c>) over built-in defaults;
/// a jurisdiction with no entry uses UTC.
/// </summary>
public sealed class JurisdictionCalendar(IClock clock, IConfiguration configuration)
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        ["NL"] = "Europe/Amsterdam", ["BE"] = "Europe/Brussels", ["DE"] = "Europe/Berlin", ["FR"] = "Europe/Paris",
        ["ES"] = "Europe/Madrid", ["IT"] = "Europe/Rome", ["PT"] = "Europe/Lisbon", ["IE"] = "Europe/Dublin",
        ["GB"] = "Europe/London", ["AT"] = "Europe/Vienna", ["PL"] = "Europe/Warsaw", ["RO"] = "Europe/Bucharest",
        ["GR"] = "Europe/Athens", ["SE"] = "Europe/Stockholm", ["FI"] = "Europe/Helsinki", ["DK"] = "Europe/Copenhagen",
        ["LU"] = "Europe/Luxembourg", ["CZ"] = "Europe/Prague", ["HU"] = "Europe/Budapest", ["BG"] = "Europe/Sofia",
        ["US"] = "America/New_York", ["JP"] = "Asia/Tokyo",
    };

    public DateTimeZone ZoneOf(string jurisdiction)
    {
        var id = configuration[$"Jurisdictions:TimeZones:{jurisdiction}"] ?? Defaults.GetValueOrDefault(jurisdiction);
        return id is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone ? zone : DateTimeZone.Utc;
    }

    public LocalDate Today(string jurisdiction) => clock.GetCurrentInstant().InZone(ZoneOf(jurisdiction)).Date;

}
