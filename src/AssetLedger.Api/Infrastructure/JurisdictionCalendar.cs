using NodaTime;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Turns the clock's instant into a legal date in a jurisdiction's time zone. The map comes from
/// configuration (<c>Jurisdictions:TimeZones:NL = Europe/Amsterdam</c>) over the built-in
/// <see cref="AssetLedger.Core.Identifiers.StateTimeZones"/>; a jurisdiction with no entry uses UTC.
/// </summary>
public sealed class JurisdictionCalendar(IClock clock, IConfiguration configuration)
{
    public DateTimeZone ZoneOf(string jurisdiction)
    {
        var configured = configuration[$"Jurisdictions:TimeZones:{jurisdiction}"];
        return configured is null ? AssetLedger.Core.Identifiers.StateTimeZones.Of(jurisdiction) : DateTimeZoneProviders.Tzdb.GetZoneOrNull(configured) ?? DateTimeZone.Utc;
    }

    public LocalDate Today(string jurisdiction) => clock.GetCurrentInstant().InZone(ZoneOf(jurisdiction)).Date;

}
