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
        var id = configuration[$"Jurisdictions:TimeZones:{jurisdiction}"] ?? AssetLedger.Core.Identifiers.StateTimeZones.IdOf(jurisdiction);
        return id is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone ? zone : DateTimeZone.Utc;
    }

    public LocalDate Today(string jurisdiction) => clock.GetCurrentInstant().InZone(ZoneOf(jurisdiction)).Date;

}
