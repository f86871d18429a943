using AssetLedger.Assets;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>Art 31: each State bears its own costs; the executing State may propose sharing large or exceptional ones; the issuing State answers.</summary>
public class when_sharing_costs_under_article_31
{
    private static readonly Instant Later = T0 + Duration.FromDays(20);
    private static readonly Guid Proposal = Guid.Parse("0c057000-0000-0000-0000-000000000001");

    private static ProposeCostSharing Propose(decimal costs = 48_000m, decimal share = 24_000m) => new(Proposal, Eur(costs), Eur(share), "Forensic accountants, 6 weeks");

    [Fact]
    public void the_executing_state_proposes_once_it_has_recognised_and_the_proposal_is_reported()
    {
        Assert.Contains("once the certificate is recognised", RefusalReason(CertificateDecider.Decide(Propose(), Received(), Later)));
        var recognised = Run(Received(), Later, new RecogniseCertificate());
        Assert.Contains("cost-proposals", CertificateDecider.Offers(recognised));
        var proposed = Run(recognised, Later, Propose());
        var p = Assert.Single(proposed.CostProposals);
        Assert.True(p.Open);
        Assert.Equal(Eur(24_000m), p.ProposedShare);
        Assert.Equal(3, proposed.Reports); // received, recognised, proposed
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(Propose(), proposed, Later)).Events);
        Assert.IsType<Decision.Refuse>(CertificateDecider.Decide(Propose(share: 20_000m), proposed, Later));
    }

    [Fact]
    public void the_share_asked_is_positive_and_at_most_the_costs_in_their_currency()
    {
        var recognised = Run(Received(), Later, new RecogniseCertificate());
        Assert.Equal(["Must be more than zero and at most the costs (EUR 48000.00)."], Errors(CertificateDecider.Decide(Propose(share: 48_000.01m), recognised, Later))["proposedShare.amount"]);
        var usd = Propose() with { ProposedShare = new Core.Money.Money(1m, "USD") };
        Assert.Equal(["Must be EUR, the currency of the costs."], Errors(CertificateDecider.Decide(usd, recognised, Later))["proposedShare.currency"]);
        Assert.IsType<CostSharingProposed>(Single(CertificateDecider.Decide(Propose(share: 48_000m), recognised, Later)));
    }

    private static Certificate IssuingWithProposal()
    {
        var issuing = Run(null, T0, new IssueCertificate(Id, CertificateKind.Confiscation, Details()), new TransmitCertificate());
        ICertificateEvent[] reports =
        [
            new CertificateReceived(Id, CertificateKind.Confiscation, Details(), T0), new CertificateRecognised(Later),
            new CostSharingProposed(Proposal, Eur(48_000m), Eur(24_000m), "Forensic accountants, 6 weeks", Later),
        ];
        for (var i = 0; i < reports.Length; i++) issuing = Run(issuing, Later, new ApplyReport(i + 1, reports[i]));
        return issuing;
    }

    [Fact]
    public void the_issuing_state_accepts_rejects_or_agrees_another_share_once()
    {
        var issuing = IssuingWithProposal();
        Assert.Contains("cost-decisions", CertificateDecider.Offers(issuing));

        var accepted = Assert.IsType<CostSharingDecided>(Single(CertificateDecider.Decide(new DecideCostSharing(Proposal, CostDecision.Accepted, null, "exceptional indeed"), issuing, Later)));
        Assert.Equal(Eur(24_000m), accepted.AgreedShare);
        var rejected = Assert.IsType<CostSharingDecided>(Single(CertificateDecider.Decide(new DecideCostSharing(Proposal, CostDecision.Rejected, null, "ordinary costs"), issuing, Later)));
        Assert.Null(rejected.AgreedShare);
        Assert.Equal(["An agreed share needs its amount."], Errors(CertificateDecider.Decide(new DecideCostSharing(Proposal, CostDecision.Agreed, null, "x"), issuing, Later))["agreedShare"]);

        var agreed = Run(issuing, Later, new DecideCostSharing(Proposal, CostDecision.Agreed, Eur(12_000m), "a quarter"));
        Assert.Equal(Eur(12_000m), agreed.CostProposals[0].AgreedShare);
        Assert.DoesNotContain("cost-decisions", CertificateDecider.Offers(agreed));
        Assert.Contains("already answered (agreed)", RefusalReason(CertificateDecider.Decide(new DecideCostSharing(Proposal, CostDecision.Rejected, null, "x"), agreed, Later)));
        Assert.Contains("No cost-sharing proposal", RefusalReason(CertificateDecider.Decide(new DecideCostSharing(Guid.NewGuid(), CostDecision.Rejected, null, "x"), agreed, Later)));
    }

    [Fact]
    public void the_answer_received_by_the_executing_state_is_recorded_once()
    {
        var proposed = Run(Received(), Later, new RecogniseCertificate(), Propose());
        var answer = new ReceiveCostDecision(Proposal, CostDecision.Agreed, Eur(12_000m), "a quarter", Later);
        var answered = Run(proposed, Later, answer);
        Assert.Equal(CostDecision.Agreed, answered.CostProposals[0].Outcome);
        Assert.Equal(proposed.Reports, answered.Reports); // the answer travels the other way: not a report
        Assert.Empty(Assert.IsType<Decision.Accept>(CertificateDecider.Decide(answer, answered, Later)).Events);
    }
}
