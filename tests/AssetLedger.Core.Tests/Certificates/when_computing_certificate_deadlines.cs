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

    [Fact]
    public void a_confiscation_certificate_is_due_for_recognition_45_days_after_receipt()
    {
        var received = Received();
        var deadline = Assert.Single(CertificateDeadlines.Of(received));
        Assert.Equal(DeadlineKind.Recognition, deadline.Kind);
        Assert.Equal(Instant.FromUtc(2026, 4, 16, 9, 0), deadline.Due);
        Assert.Equal("Reg (EU) 2018/1805 Art 20(1)", deadline.LegalBasis);
        Assert.False(deadline.Met);

        // Day 45 at the same hour: not yet missed. Recognising then meets the limit.
        var day45 = T0 + Duration.FromDays(45);
        Assert.Empty(Sweep(received, day45));
        Assert.True(Assert.Single(CertificateDeadlines.Of(Run(received, day45, new RecogniseCertificate()))).Met);
    }

    [Fact]
    public void on_day_46_the_missed_limit_is_recorded_once_and_the_duty_to_decide_continues()
    {
        var day46 = T0 + Duration.FromDays(46);
        var missed = Assert.IsType<CertificateDeadlineMissed>(Assert.Single(Sweep(Received(), day46)));
        Assert.Equal(new CertificateDeadlineMissed(DeadlineKind.Recognition, T0 + Duration.FromDays(45), day46), missed);

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
        Assert.Equal(T0 + Duration.FromHours(1) + Duration.FromDays(45), Assert.Single(CertificateDeadlines.Of(confirmed)).Due);
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
