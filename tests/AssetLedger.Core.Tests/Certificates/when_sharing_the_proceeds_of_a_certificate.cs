using AssetLedger.Assets;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>Art 30(7) on the certificate: the issuing State's share of a distribution, and its payments, to the cent.</summary>
public class when_sharing_the_proceeds_of_a_certificate
{
    private static readonly Instant Later = T0 + Duration.FromDays(60);
    private static readonly Guid Distribution = Guid.Parse("0d000000-0000-0000-0000-000000000001");
    private static readonly Guid Allocation = Guid.Parse("0a000000-0000-0000-0000-000000000001");

    private static Certificate Executed(decimal obtained = 10_000.01m) =>
        Run(Received(amount: obtained), Later, new RecogniseCertificate(), new ExecuteCertificate(Eur(obtained), null));

    private static RecordShare Share(decimal amount) => new(Distribution, Allocation, Eur(amount), "eu-2018-1805", "50 % above EUR 10,000");

    private static RecordShareSettlement Pay(decimal amount, string reference = "TRX-1") =>
        new(Distribution, Allocation, Eur(amount), new LocalDate(2026, 7, 1), reference);

    [Fact]
    public void a_share_is_recorded_once_on_an_executed_confiscation_and_reported()
    {
        var shared = Run(Executed(), Later, Share(5_000.01m));
        var share = Assert.Single(shared.Shares);
        Assert.Equal(Eur(5_000.01m), share.Due);
        Assert.Equal(Eur(0m), share.Settled);
        Assert.Equal(Eur(5_000.01m), share.Outstanding);
        Assert.True(CertificateReports.IsReported(new ProceedsShared(Distribution, Allocation, Eur(1m), "r", "b", Later)));
        Assert.Equal(4, shared.Reports); // received, recognised, executed, shared

        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(Share(5_000.01m), shared, Later)).Events);
        Assert.Equal($"Allocation {Allocation} was already shared as EUR 5000.01.", RefusalReason(CertificateDecider.Decide(Share(5_000.00m), shared, Later)));
    }

    [Fact]
    public void a_zero_share_is_a_fact_too_when_the_sum_stays_with_the_executing_state()
    {
        var shared = Run(Executed(10_000.00m), Later, Share(0m));
        Assert.Equal(Eur(0m), Assert.Single(shared.Shares).Outstanding);
    }

    [Fact]
    public void no_share_before_execution_nor_under_a_freezing_certificate_nor_in_another_currency()
    {
        var recognised = Run(Received(amount: 10_000.01m), Later, new RecogniseCertificate());
        Assert.Contains("status 'recognised'", RefusalReason(CertificateDecider.Decide(Share(5_000.01m), recognised, Later)));
        var freezing = Run(Received(CertificateKind.Freezing, 10_000.01m), Later, new RecogniseCertificate(), new ExecuteCertificate(Eur(10_000.01m), null));
        Assert.Contains("freezing certificate", RefusalReason(CertificateDecider.Decide(Share(5_000.01m), freezing, Later)));
        var otherCurrency = Share(5_000.01m) with { Amount = new Core.Money.Money(5_000.01m, "USD") };
        Assert.Equal(["The share must be in EUR, the currency of the amount obtained."], Errors(CertificateDecider.Decide(otherCurrency, Executed(), Later))["currency"]);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(Share(1m), Transmitted(), Later));
    }

    [Fact]
    public void payments_add_up_to_the_share_and_never_beyond_it()
    {
        var shared = Run(Executed(), Later, Share(5_000.01m));
        var part = Run(shared, Later, Pay(2_000.00m, "TRX-1"));
        Assert.Equal(Eur(3_000.01m), part.Shares[0].Outstanding);

        Assert.Equal("A payment of EUR 3000.02 is more than the EUR 3000.01 outstanding of the share.",
            RefusalReason(CertificateDecider.Decide(Pay(3_000.02m), part, Later)));
        var paid = Run(part, Later, Pay(3_000.01m, "TRX-2"));
        Assert.Equal(Eur(5_000.01m), paid.Shares[0].Settled);
        Assert.Equal(Eur(0m), paid.Shares[0].Outstanding);
        Assert.Equal(["TRX-1", "TRX-2"], paid.Shares[0].Payments.Select(p => p.BankReference));
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(Pay(0.01m), paid, Later));
    }

    [Fact]
    public void a_payment_needs_a_recorded_share_in_its_currency()
    {
        Assert.Equal($"No share of allocation {Allocation} was recorded on this certificate.", RefusalReason(CertificateDecider.Decide(Pay(1m), Executed(), Later)));
        var shared = Run(Executed(), Later, Share(5_000.01m));
        var usd = Pay(1m) with { Amount = new Core.Money.Money(1m, "USD") };
        Assert.Equal(["Must be EUR, the currency of the share."], Errors(CertificateDecider.Decide(usd, shared, Later))["amount.currency"]);
    }

    [Fact]
    public void the_issuing_side_folds_the_reported_share_and_payments_to_the_same_figures()
    {
        var executing = Run(Run(Executed(), Later, Share(5_000.01m)), Later, Pay(2_000.00m), Pay(3_000.01m, "TRX-2"));
        var issuing = Run(null, T0, new IssueCertificate(Id, CertificateKind.Confiscation, Details(amount: 10_000.01m)), new TransmitCertificate());
        var reports = new List<ICertificateEvent>
        {
            new CertificateReceived(Id, CertificateKind.Confiscation, Details(amount: 10_000.01m), T0), new CertificateRecognised(Later),
            new CertificateExecuted(Eur(10_000.01m), null, Later), new ProceedsShared(Distribution, Allocation, Eur(5_000.01m), "eu-2018-1805", "b", Later),
            new ShareSettled(Distribution, Allocation, Eur(2_000.00m), new LocalDate(2026, 7, 1), "TRX-1", Later),
            new ShareSettled(Distribution, Allocation, Eur(3_000.01m), new LocalDate(2026, 7, 1), "TRX-2", Later),
        };
        for (var i = 0; i < reports.Count; i++) issuing = Run(issuing, Later, new ApplyReport(i + 1, reports[i]));

        Assert.Equal(executing.Shares[0].Due, issuing.Shares[0].Due);
        Assert.Equal(executing.Shares[0].Settled, issuing.Shares[0].Settled);
        Assert.Equal(Eur(0m), issuing.Shares[0].Outstanding);
        Assert.Equal(executing.Reports, issuing.Reports);
    }
}
