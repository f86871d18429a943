using AssetLedger.Core.Identifiers;
using NodaTime;

namespace AssetLedger.Certificates;

/// <summary>
/// The time limits the Regulation sets on a received certificate, computed from its events:
/// <list type="bullet">
/// <item>confiscation: decide on recognition no later than 45 days after receipt (Art 20(1)), counted
/// in days as Regulation (EEC, Euratom) No 1182/71 Art 3 counts them: the day of receipt is not counted,
/// the period ends with the last moment of its 45th day in the executing State's legal time
/// (<see cref="StateTimeZones"/>), and a period whose last day is a Saturday or a Sunday ends with the
/// following Monday (Art 3(4); public holidays are not known to the ledger, so such a limit shows
/// one working day early);</item>
/// <item>urgent freezing: decide on recognition within 48 hours of receipt, and take the measures
/// within 48 hours of that decision (Art 9(3));</item>
/// <item>a freezing certificate not marked urgent: "without delay" (Art 9(1)), no fixed limit.</item>
/// </list>
/// A limit is met by its decision at or before the due instant; a withdrawal or an impossibility
/// ends the duty. A limit that passes is recorded once (<see cref="CertificateDeadlineMissed"/>) and
/// stays open: the duty to decide continues. A postponement (Arts 10, 21) postpones execution, not
/// the decision on recognition, so it does not stop the recognition clock.
/// </summary>
public static class CertificateDeadlines
{
    public const int ConfiscationRecognitionDays = 45;
    public static readonly Duration UrgentFreezing = Duration.FromHours(48);

    /// <summary>
    /// The last moment of a period of <paramref name="days"/> days that starts with an event at
    /// <paramref name="from"/>, in <paramref name="state"/>'s legal time (Reg 1182/71 Art 3(1), (2)(b), (4)).
    /// </summary>
    public static Instant EndOfDays(Instant from, int days, string state)
    {
        var zone = StateTimeZones.Of(state);
        var last = from.InZone(zone).Date.PlusDays(days);
        while (last.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) last = last.PlusDays(1);
        return last.PlusDays(1).AtStartOfDayInZone(zone).ToInstant() - Duration.Epsilon;
    }

    public static IReadOnlyList<CertificateDeadline> Of(Certificate c)
    {
        if (c.ReceivedAt is not { } received) return [];
        var list = new List<CertificateDeadline>(2);
        var ended = c.Status is CertificateStatus.Withdrawn or CertificateStatus.Impossible;
        var decidedAt = c.Status is CertificateStatus.Refused ? c.Refusal!.At : c.RecognisedAt;
        if (c.Kind == CertificateKind.Confiscation)
            list.Add(Make(c, DeadlineKind.Recognition, EndOfDays(received, ConfiscationRecognitionDays, c.Details.ExecutingState), "Reg (EU) 2018/1805 Art 20(1)", decidedAt, ended));
        else if (c.Details.Urgent)
        {
            list.Add(Make(c, DeadlineKind.Recognition, received + UrgentFreezing, "Reg (EU) 2018/1805 Art 9(3)", decidedAt, ended));
            if (c.RecognisedAt is { } recognised)
                list.Add(Make(c, DeadlineKind.Execution, recognised + UrgentFreezing, "Reg (EU) 2018/1805 Art 9(3)", c.ExecutedAt, ended));
        }
        return list;
    }

    /// <summary>The limits that have passed at <paramref name="now"/> without their decision and are not yet recorded as missed.</summary>
    public static IReadOnlyList<CertificateDeadline> Missed(Certificate c, Instant now) =>
        Of(c).Where(d => !d.Met && !d.Missed && now > d.Due && !Ended(c)).ToList();

    private static bool Ended(Certificate c) => c.Status is CertificateStatus.Withdrawn or CertificateStatus.Impossible or CertificateStatus.Refused;

    private static CertificateDeadline Make(Certificate c, DeadlineKind kind, Instant due, string basis, Instant? decidedAt, bool ended) =>
        new(kind, due, basis,
            Met: decidedAt is { } at ? at <= due : ended,
            Missed: c.MissedDeadlines.Any(m => m.Kind == kind),
            Decided: decidedAt is not null);
}
