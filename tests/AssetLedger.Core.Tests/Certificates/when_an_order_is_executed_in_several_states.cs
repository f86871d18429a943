using AssetLedger.Assets;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>Arts 16(2)-(3), 18(4): the issuing side tells each executing State what remains of the order; the sum never exceeds it.</summary>
public class when_an_order_is_executed_in_several_states
{
    private static readonly Instant Later = T0 + Duration.FromDays(10);

    private static Certificate Issued(decimal amount, decimal total, bool transmitted = true)
    {
        var issued = Run(null, T0, new IssueCertificate(Guid.NewGuid(), CertificateKind.Confiscation, Details(amount: amount, total: total)));
        return transmitted ? Run(issued, T0, new TransmitCertificate()) : issued;
    }

    private static Certificate ExecutedFor(Certificate issued, decimal value)
    {
        var d = issued.Details;
        var reports = new ICertificateEvent[]
        {
            new CertificateReceived(issued.Id, issued.Kind, d, T0), new CertificateRecognised(Later), new CertificateExecuted(Eur(value), null, Later),
        };
        return reports.Select((e, i) => (e, i)).Aggregate(issued, (c, r) => Run(c, Later, new ApplyReport(r.i + 1, r.e)));
    }

    [Fact]
    public void the_remaining_amount_is_the_total_less_every_execution_reported_and_never_below_zero()
    {
        var a = ExecutedFor(Issued(10_000m, 15_000m), 10_000m);
        var b = Issued(10_000m, 15_000m);
        Assert.Equal(Eur(5_000m), CertificateDecider.RemainingOfOrder([a, b]));
        var bExecuted = ExecutedFor(b, 5_000.01m);
        Assert.Equal(Eur(0m), CertificateDecider.RemainingOfOrder([a, bExecuted]));
        Assert.Equal(Eur(15_000m), CertificateDecider.RemainingOfOrder([Issued(10_000m, 15_000m), Issued(5_000m, 15_000m)]));
        Assert.Null(CertificateDecider.RemainingOfOrder([Issued(10_000m, 15_000m) with { Details = Details(amount: null) }]));
    }

    [Fact]
    public void the_issuing_side_records_each_notice_it_sends_and_nothing_when_there_is_nothing_to_tell()
    {
        var b = Issued(10_000m, 15_000m);
        var told = Run(b, Later, new NotifyRemainingAmount(Eur(5_000m)));
        Assert.Equal(Eur(5_000m), told.RemainingNotified);
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new NotifyRemainingAmount(Eur(5_000m)), told, Later)).Events);
        Assert.IsType<RemainingAmountNotified>(Single(CertificateDecider.Decide(new NotifyRemainingAmount(Eur(0m)), told, Later)));

        // Not yet transmitted: the certificate goes out with what it says; a withdrawn one needs no notice.
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new NotifyRemainingAmount(Eur(5_000m)), Issued(10_000m, 15_000m, transmitted: false), Later)).Events);
        var withdrawn = Run(b, Later, new WithdrawCertificate("set aside"));
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new NotifyRemainingAmount(Eur(5_000m)), withdrawn, Later)).Events);
    }

    [Fact]
    public void the_executing_state_told_what_remains_cannot_recover_more()
    {
        var received = Run(Received(amount: 10_000m), Later, new RecogniseCertificate(), new NotifyRemainingAmount(Eur(5_000m)));
        Assert.Equal(Eur(5_000m), received.ExecutionCap);
        Assert.Contains("would exceed the EUR 5000.00 that may still be recovered", RefusalReason(CertificateDecider.Decide(new ExecuteCertificate(Eur(5_000.01m), null), received, Later)));
        Assert.IsType<CertificateExecuted>(Single(CertificateDecider.Decide(new ExecuteCertificate(Eur(5_000m), null), received, Later)));
    }
}
