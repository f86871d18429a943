using NodaTime;

namespace AssetLedger.Statistics;

/// <summary>One event of a jurisdiction as stored: its stream, version, the application's recording instant and its data.</summary>
public sealed record RecordedEvent(Guid StreamId, long Version, Instant RecordedAt, object Data);

/// <summary>
/// The period of a statistics answer: <see cref="From"/> and <see cref="To"/> are inclusive legal dates of the
/// jurisdiction's calendar (<see cref="Zone"/>), and only events recorded at or before <see cref="AsOf"/> count.
/// </summary>
public sealed record StatisticsPeriod(LocalDate From, LocalDate To, Instant AsOf, DateTimeZone Zone)
{
    public bool Contains(LocalDate date) => date >= From && date <= To;

    /// <summary>An instant is taken at its local date in the jurisdiction's time zone.</summary>
    public LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;
}
