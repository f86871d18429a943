using AssetLedger.Assets;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>Art 20(1) (45 days to recognise a confiscation certificate) and Art 9(3) (48 h + 48 h for an urgent freezing).</summary>
public class when_computing_certificate_deadlines
{
    private static IReadOnlyList<object> Sweep(Certificate c, Instant now) =>
        Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new RecordMissedDeadlines(), c, now)).Events;

    /// <summary>The last moment of 16 April 2026 in Berlin (summer time), the executing State's legal time.</summary>
    private static readonly Instant EndOfDay45 = Instant.FromUtc(2026, 4, 16, 21, 59, 59) + Duration.FromNanoseconds(999_999_999);

    [Fact]
    public void a_confiscation_certificate_is_due_for_recognition_by_the_end_of_the_45th_day_after_receipt()
    {
        var received = Received(); // 2 March 2026, 10:00 in Berlin: that day is not counted
        var deadline = Assert.Single(CertificateDeadlines.Of(received));
        Assert.Equal(DeadlineKind.Recognition, deadline.Kind);
        Assert.Equal(EndOfDay45, deadline.Due);
        Assert.Equal("Reg (EU) 2018/1805 Art 20(1)", deadline.LegalBasis);
        Assert.False(deadline.Met);

        // Day 45 at the same hour, and at 23:59:59 in Berlin: not yet missed; recognising then meets the limit.
        foreach (var onDay45 in new[] { T0 + Duration.FromDays(45), EndOfDay45 })
        {
            Assert.Empty(Sweep(received, onDay45));
            Assert.True(Assert.Single(CertificateDeadlines.Of(Run(received, onDay45, new RecogniseCertificate()))).Met);
        }
        // Midnight in Berlin: day 46, missed.
        Assert.Single(Sweep(received, EndOfDay45 + Duration.Epsilon));
        Assert.False(Assert.Single(CertificateDeadlines.Of(Run(received, EndOfDay45 + Duration.Epsilon, new RecogniseCertificate()))).Met);
    }

    [Theory]
    // A receipt at 23:30 UTC on 1 March is 00:30 on 2 March in Berlin: the same period.
    [InlineData("2026-03-01T23:30:00Z", "2026-04-16T21:59:59.999999999Z")]
    // Received on a Wednesday: day 45 is Saturday 18 April, so the period ends with Monday 20 April (Reg 1182/71 Art 3(4)).
    [InlineData("2026-03-04T08:00:00Z", "2026-04-20T21:59:59.999999999Z")]
    // Thursday: day 45 is Sunday 19 April, the same Monday.
    [InlineData("2026-03-05T15:00:00Z", "2026-04-20T21:59:59.999999999Z")]
    // Received in summer time (Tuesday 20 October, 14:00 in Berlin), due in winter time: the end of Friday 4 December.
    [InlineData("2026-10-20T12:00:00Z", "2026-12-04T22:59:59.999999999Z")]
    public void the_period_is_counted_in_days_of_the_executing_state(string receivedAt, string due)
    {
        var at = NodaTime.Text.InstantPattern.ExtendedIso.Parse(receivedAt).Value;
        var received = Run(null, at, new ReceiveCertificate(Id, CertificateKind.Confiscation, Details()));
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse(due).Value, Assert.Single(CertificateDeadlines.Of(received)).Due);
    }

    [Fact]
    public void on_day_46_the_missed_limit_is_recorded_once_and_the_duty_to_decide_continues()
    {
        var day46 = T0 + Duration.FromDays(46);
        var missed = Assert.IsType<CertificateDeadlineMissed>(Assert.Single(Sweep(Received(), day46)));
        Assert.Equal(new CertificateDeadlineMissed(DeadlineKind.Recognition, EndOfDay45, day46), missed);

        var after = Run(Received(), day46, new RecordMissedDeadlines());
        Assert.Equal(CertificateStatus.Received, after.Status);
        Assert.Empty(Sweep(after, day46 + Duration.FromDays(10)));
        Assert.Contains("recognition", CertificateDecider.Offers(after));
        var late = Run(after, day46, new RecogniseCertificate());
        var deadline = Assert.Single(CertificateDeadlines.Of(late));
        Assert.False(deadline.Met);
        Assert.True(deadline.Missed);
    }

    [Fact]
    public void an_urgent_freezing_has_48_hours_to_recognise_and_48_more_to_execute()
    {
        var received = Received(CertificateKind.Freezing, urgent: true);
        Assert.Equal(T0 + Duration.FromHours(48), Assert.Single(CertificateDeadlines.Of(received)).Due);
        Assert.Empty(Sweep(received, T0 + Duration.FromHours(48)));
        Assert.Single(Sweep(received, T0 + Duration.FromHours(48) + Duration.FromSeconds(1)));

        var recognisedAt = T0 + Duration.FromHours(20);
        var recognised = Run(received, recognisedAt, new RecogniseCertificate());
        var deadlines = CertificateDeadlines.Of(recognised);
        Assert.Equal(2, deadlines.Count);
        Assert.True(deadlines[0].Met);
        Assert.Equal((DeadlineKind.Execution, recognisedAt + Duration.FromHours(48)), (deadlines[1].Kind, deadlines[1].Due));
        var missed = Assert.IsType<CertificateDeadlineMissed>(Assert.Single(Sweep(recognised, T0 + Duration.FromHours(69))));
        Assert.Equal(DeadlineKind.Execution, missed.Kind);
        Assert.True(CertificateDeadlines.Of(Run(recognised, T0 + Duration.FromHours(60), new ExecuteCertificate(Eur(250_000m), null)))[1].Met);
    }

    [Fact]
    public void a_freezing_not_marked_urgent_has_no_fixed_limit()
    {
        Assert.Empty(CertificateDeadlines.Of(Received(CertificateKind.Freezing)));
        Assert.Empty(Sweep(Received(CertificateKind.Freezing), T0 + Duration.FromDays(400)));
    }

    [Fact]
    public void withdrawal_refusal_and_impossibility_end_the_duty()
    {
        var day46 = T0 + Duration.FromDays(46);
        var consulted = Run(Received(), T0, new ConsultIssuingAuthority("a", "b"));
        Assert.Empty(CertificateDeadlines.Missed(Run(Received(), T0, new ReceiveWithdrawal("quashed")), day46));
        Assert.Empty(CertificateDeadlines.Missed(Run(consulted, T0, new RefuseCertificate(["art19-1-g"], "in absentia", false, null)), day46));
        Assert.Empty(CertificateDeadlines.Missed(Run(Received(), T0, new DeclareExecutionImpossible(["art22-3-c"], "destroyed")), day46));
    }

    [Fact]
    public void the_issuing_side_has_no_deadline_until_receipt_is_confirmed()
    {
        var issuing = Transmitted();
        Assert.Empty(CertificateDeadlines.Of(issuing));
        var confirmed = Run(issuing, T0, new ApplyReport(1, new CertificateReceived(Id, CertificateKind.Confiscation, Details(), T0 + Duration.FromHours(1))));
        Assert.Equal(EndOfDay45, Assert.Single(CertificateDeadlines.Of(confirmed)).Due);
    }

    [Fact]
    public void a_limit_decided_late_is_decided_but_not_met_and_no_longer_open()
    {
        var received = Received();
        var open = Assert.Single(CertificateDeadlines.Of(received));
        Assert.True(open.Open);
        Assert.False(open.Decided);

        var late = Run(received, T0 + Duration.FromDays(47), new RecogniseCertificate());
        var limit = Assert.Single(CertificateDeadlines.Of(late));
        Assert.False(limit.Met);
        Assert.True(limit.Decided);
        Assert.False(limit.Open);

        var inTime = Assert.Single(CertificateDeadlines.Of(Run(received, T0 + Duration.FromDays(45), new RecogniseCertificate())));
        Assert.True(inTime.Met);
        Assert.False(inTime.Open);
    }
}
