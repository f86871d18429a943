using AssetLedger.Assets;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>The certificate rules of Reg (EU) 2018/1805, pair by pair, with exact amounts.</summary>
public class when_deciding_certificate_commands
{
    private static readonly Instant Later = T0 + Duration.FromDays(3);

    [Fact]
    public void an_issued_certificate_is_transmitted_once_to_the_executing_State()
    {
        var issued = Run(null, T0, new IssueCertificate(Id, CertificateKind.Confiscation, Details()));
        Assert.Equal(CertificateStatus.Issued, issued.Status);
        Assert.Equal(CertificateRole.Issuing, issued.Role);

        var transmitted = Assert.IsType<CertificateTransmitted>(Single(CertificateDecider.Decide(new TransmitCertificate(), issued, Later)));
        Assert.Equal("DE", transmitted.ToState);
        var after = Run(issued, Later, new TransmitCertificate());
        Assert.Equal(CertificateStatus.Transmitted, after.Status);
        Assert.Contains("'transmit' is not allowed on the issuing side of a certificate in status 'transmitted'",
            RefusalReason(CertificateDecider.Decide(new TransmitCertificate(), after, Later)));
    }

    [Fact]
    public void a_certificate_id_is_used_once()
    {
        var issued = Run(null, T0, new IssueCertificate(Id, CertificateKind.Freezing, Details(CertificateKind.Freezing)));
        Assert.Equal($"Certificate {Id} already exists.", RefusalReason(CertificateDecider.Decide(new ReceiveCertificate(Id, CertificateKind.Freezing, Details()), issued, T0)));
        Assert.Equal("The certificate does not exist.", RefusalReason(CertificateDecider.Decide(new RecogniseCertificate(), null, T0)));
    }

    [Theory]
    [InlineData("recognition")]
    [InlineData("execution")]
    [InlineData("consultations")]
    [InlineData("postponement")]
    [InlineData("impossibility")]
    public void the_issuing_side_cannot_take_the_executing_authoritys_decisions(string name)
    {
        CertificateCommand command = name switch
        {
            "recognition" => new RecogniseCertificate(),
            "execution" => new ExecuteCertificate(Eur(1m), null),
            "consultations" => new ConsultIssuingAuthority("x", "y"),
            "postponement" => new PostponeExecution(["art21-1-a"], "investigation"),
            _ => new DeclareExecutionImpossible(["art22-3-b"], "gone"),
        };
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(command, Transmitted(), Later));
    }

    [Fact]
    public void the_executing_side_recognises_and_executes_within_the_amount_asked()
    {
        var recognised = Run(Received(), Later, new RecogniseCertificate());
        Assert.Equal(CertificateStatus.Recognised, recognised.Status);
        Assert.Equal(Later, recognised.RecognisedAt);

        Assert.Contains("would exceed the EUR 250000.00",
            RefusalReason(CertificateDecider.Decide(new ExecuteCertificate(Eur(250_000.01m), null), recognised, Later)));
        Assert.Equal(["Must be in EUR, the currency of the certificate's amount."],
            Errors(CertificateDecider.Decide(new ExecuteCertificate(new(100m, "GBP"), null), recognised, Later))["value"]);
        Assert.Equal(["A confiscation of a sum of money needs the amount obtained."],
            Errors(CertificateDecider.Decide(new ExecuteCertificate(null, null), recognised, Later))["value"]);

        var executed = Run(recognised, Later, new ExecuteCertificate(Eur(250_000.00m), "account balance transferred"));
        Assert.Equal(CertificateStatus.Executed, executed.Status);
        Assert.Equal(Eur(250_000.00m), executed.ExecutedValue);
    }

    [Fact]
    public void a_refusal_needs_a_consultation_first_and_a_ground_of_the_right_article()
    {
        var received = Received();
        Assert.Equal("The issuing authority must be consulted before a refusal, in whole or in part (Art 19(2)).",
            RefusalReason(CertificateDecider.Decide(new RefuseCertificate(["art19-1-a"], "ne bis in idem", false, null), received, Later)));
        Assert.Equal("The issuing authority must be consulted before a refusal, in whole or in part (Art 8(2)).",
            RefusalReason(CertificateDecider.Decide(new RefuseCertificate(["art8-1-a"], "x", false, null), Received(CertificateKind.Freezing), Later)));

        var consulted = Run(received, Later, new ConsultIssuingAuthority("judgment of 2025 in the same matter", "issuing authority maintains the certificate"));
        Assert.Single(consulted.Consultations);
        Assert.Equal(CertificateStatus.Received, consulted.Status);

        var wrongArticle = Errors(CertificateDecider.Decide(new RefuseCertificate(["art8-1-a"], "x", false, null), consulted, Later))["grounds"];
        Assert.StartsWith("Not a ground for this certificate: art8-1-a.", Assert.Single(wrongArticle));
        Assert.StartsWith("Name at least one ground:", Errors(CertificateDecider.Decide(new RefuseCertificate([], "x", false, null), consulted, Later))["grounds"][0]);

        var refused = Run(consulted, Later, new RefuseCertificate(["art19-1-a"], "already judged in DE", false, null));
        Assert.Equal(CertificateStatus.Refused, refused.Status);
        Assert.Equal(["art19-1-a"], refused.Refusal!.Grounds);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new ExecuteCertificate(Eur(1m), null), refused, Later));
    }

    [Fact]
    public void a_partial_refusal_recognises_less_than_the_amount_asked_and_caps_execution_there()
    {
        var consulted = Run(Received(), Later, new ConsultIssuingAuthority("third-party rights on part of the funds", "agreed"));
        Assert.Equal(["Must be more than zero and less than the EUR 250000.00 asked (a partial recognition)."],
            Errors(CertificateDecider.Decide(new RefuseCertificate(["art19-1-f"], "x", true, Eur(250_000.00m)), consulted, Later))["recognisedAmount"]);

        var partly = Run(consulted, Later, new RefuseCertificate(["art19-1-f"], "bona fide third party owns 40,000.00", true, Eur(210_000.00m)));
        Assert.Equal(CertificateStatus.PartlyRefused, partly.Status);
        Assert.Equal(Eur(210_000.00m), partly.ExecutionCap);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new ExecuteCertificate(Eur(210_000.01m), null), partly, Later));
        Assert.Equal(CertificateStatus.Executed, Run(partly, Later, new ExecuteCertificate(Eur(210_000.00m), null)).Status);
    }

    [Fact]
    public void a_postponement_names_its_ground_and_resuming_continues_where_it_stopped()
    {
        var recognised = Run(Received(), Later, new RecogniseCertificate());
        Assert.StartsWith("Not a ground for this certificate: art10-1-a.",
            Errors(CertificateDecider.Decide(new PostponeExecution(["art10-1-a"], "x"), recognised, Later))["grounds"][0]);
        var postponed = Run(recognised, Later, new PostponeExecution(["art21-1-a"], "would alert suspects in a DE investigation"));
        Assert.Equal(CertificateStatus.Postponed, postponed.Status);
        Assert.Equal(CertificateStatus.Recognised, postponed.StatusBeforePostponement);
        // Already recognised: recognising again is refused, executing resumes.
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new RecogniseCertificate(), postponed, Later));
        Assert.Equal(CertificateStatus.Executed, Run(postponed, Later, new ExecuteCertificate(Eur(100_000m), null)).Status);

        var postponedBefore = Run(Received(), Later, new PostponeExecution(["art21-1-b"], "translation"));
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new ExecuteCertificate(Eur(1m), null), postponedBefore, Later));
        Assert.Equal(CertificateStatus.Recognised, Run(postponedBefore, Later, new RecogniseCertificate()).Status);
    }

    [Fact]
    public void impossibility_names_an_Art_22_ground_and_closes_the_certificate()
    {
        var impossible = Run(Received(), Later, new DeclareExecutionImpossible(["art22-3-b"], "the account was emptied before the freezing"));
        Assert.Equal(CertificateStatus.Impossible, impossible.Status);
        Assert.Empty(CertificateDecider.Offers(impossible));
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new ConsultIssuingAuthority("a", "b"), impossible, Later));
        Assert.StartsWith("Not a ground for this certificate: art13-b.",
            Errors(CertificateDecider.Decide(new DeclareExecutionImpossible(["art13-b"], "x"), Received(), Later))["grounds"][0]);
    }

    [Fact]
    public void a_withdrawal_terminates_execution_except_an_executed_confiscation()
    {
        var issuing = Run(Transmitted(), Later, new WithdrawCertificate("the order was quashed on appeal"));
        Assert.Equal(CertificateStatus.Withdrawn, issuing.Status);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new WithdrawCertificate("again"), issuing, Later));

        var executing = Run(Received(), Later, new RecogniseCertificate(), new ReceiveWithdrawal("the order was quashed on appeal"));
        Assert.Equal(CertificateStatus.Withdrawn, executing.Status);
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new ReceiveWithdrawal("again"), executing, Later)).Events);

        var executed = Run(Received(), Later, new RecogniseCertificate(), new ExecuteCertificate(Eur(250_000m), null));
        Assert.Equal("The confiscation was executed before the withdrawal arrived; it cannot be undone.",
            RefusalReason(CertificateDecider.Decide(new ReceiveWithdrawal("late"), executed, Later)));
        // An executed freezing is lifted by the withdrawal (Art 12(1)).
        var frozen = Run(Received(CertificateKind.Freezing), Later, new RecogniseCertificate(), new ExecuteCertificate(Eur(250_000m), null));
        Assert.Equal(CertificateStatus.Withdrawn, Run(frozen, Later, new ReceiveWithdrawal("confiscation proceedings ended")).Status);
        // The executing side never withdraws of its own accord.
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new WithdrawCertificate("x"), Received(), Later));
    }

    [Fact]
    public void the_remaining_amount_told_by_the_issuing_State_lowers_the_cap()
    {
        var recognised = Run(Received(amount: 300_000m), Later, new RecogniseCertificate());
        var told = Run(recognised, Later, new NotifyRemainingAmount(Eur(120_000.50m)));
        Assert.Equal(Eur(120_000.50m), told.ExecutionCap);
        Assert.Contains("would exceed the EUR 120000.50", RefusalReason(CertificateDecider.Decide(new ExecuteCertificate(Eur(120_000.51m), null), told, Later)));
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new NotifyRemainingAmount(Eur(120_000.50m)), told, Later)).Events);
        Assert.Equal(["Must be in EUR, the currency of the order."],
            Errors(CertificateDecider.Decide(new NotifyRemainingAmount(new(5m, "USD")), told, Later))["remaining"]);
    }

    [Fact]
    public void reports_are_applied_once_and_in_order_on_the_issuing_side()
    {
        var issuing = Transmitted();
        var receipt = new CertificateReceived(Id, CertificateKind.Confiscation, Details(), T0 + Duration.FromMinutes(1));
        Assert.Equal("Report 2 arrived before report 1.",
            RefusalReason(CertificateDecider.Decide(new ApplyReport(2, new CertificateRecognised(Later)), issuing, Later)));
        var received = Run(issuing, Later, new ApplyReport(1, receipt));
        Assert.Equal(CertificateStatus.Received, received.Status);
        Assert.Equal(1, received.Reports);
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(new ApplyReport(1, receipt), received, Later)).Events);

        var recognised = Run(received, Later, new ApplyReport(2, new CertificateRecognised(Later)));
        Assert.Equal(CertificateStatus.Recognised, recognised.Status);
        Assert.Equal(2, recognised.Reports);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(new ApplyReport(3, new CertificateWithdrawn("x", Later)), recognised, Later));
    }
}
