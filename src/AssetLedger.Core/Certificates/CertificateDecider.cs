using AssetLedger.Assets;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Certificates;

/// <summary>A command on a certificate. Shape is validated before it gets here; the rules are below.</summary>
public abstract record CertificateCommand
{
    /// <summary>The API's name for the command (the last path segment).</summary>
    public abstract string Name { get; }
}

public sealed record IssueCertificate(Guid CertificateId, CertificateKind Kind, CertificateDetails Details) : CertificateCommand
{ public override string Name => "issue"; }

public sealed record ReceiveCertificate(Guid CertificateId, CertificateKind Kind, CertificateDetails Details) : CertificateCommand
{ public override string Name => "receive"; }

public sealed record TransmitCertificate : CertificateCommand
{ public override string Name => "transmit"; }

public sealed record ConsultIssuingAuthority(string Subject, string Outcome) : CertificateCommand
{ public override string Name => "consultations"; }

public sealed record RecogniseCertificate : CertificateCommand
{ public override string Name => "recognition"; }

public sealed record RefuseCertificate(IReadOnlyList<string> Grounds, string Reason, bool Partly, Money? RecognisedAmount) : CertificateCommand
{ public override string Name => Partly ? "partial-refusal" : "refusal"; }

public sealed record PostponeExecution(IReadOnlyList<string> Grounds, string Reason) : CertificateCommand
{ public override string Name => "postponement"; }

public sealed record ExecuteCertificate(Money? Value, string? Note) : CertificateCommand
{ public override string Name => "execution"; }

public sealed record DeclareExecutionImpossible(IReadOnlyList<string> Grounds, string Reason) : CertificateCommand
{ public override string Name => "impossibility"; }

public sealed record WithdrawCertificate(string Reason) : CertificateCommand
{ public override string Name => "withdrawal"; }

/// <summary>Executing side: the issuing State's withdrawal arrived (a peer message); execution terminates (Art 27).</summary>
public sealed record ReceiveWithdrawal(string Reason) : CertificateCommand
{ public override string Name => "withdrawal-received"; }

/// <summary>
/// What remains of the order (Arts 16(2)-(3), 18(4)): on the issuing side, the notice to this
/// certificate's executing State after an execution elsewhere; on the executing side, its receipt.
/// </summary>
public sealed record NotifyRemainingAmount(Money Remaining) : CertificateCommand
{ public override string Name => "remaining-amount"; }

/// <summary>Executing side: the issuing State's share of a distribution of what the confiscation obtained (Art 30(7)).</summary>
public sealed record RecordShare(Guid DistributionId, Guid AllocationId, Money Amount, string Regime, string Basis) : CertificateCommand
{ public override string Name => "share"; }

/// <summary>Executing side: a payment of the issuing State's share.</summary>
public sealed record RecordShareSettlement(Guid DistributionId, Guid AllocationId, Money Amount, LocalDate SettledOn, string BankReference) : CertificateCommand
{ public override string Name => "share-settlement"; }

/// <summary>Executing side: propose that the issuing State share large or exceptional costs (Art 31(2)).</summary>
public sealed record ProposeCostSharing(Guid ProposalId, Money Costs, Money ProposedShare, string Description) : CertificateCommand
{ public override string Name => "cost-proposals"; }

/// <summary>Issuing side: answer a cost-sharing proposal; the answer travels to the executing ledger.</summary>
public sealed record DecideCostSharing(Guid ProposalId, CostDecision Outcome, Money? AgreedShare, string Reason) : CertificateCommand
{ public override string Name => "cost-decisions"; }

/// <summary>Executing side: the issuing State's answer arrives (a peer message).</summary>
public sealed record ReceiveCostDecision(Guid ProposalId, CostDecision Outcome, Money? AgreedShare, string Reason, Instant DecidedAt) : CertificateCommand
{ public override string Name => "cost-decision-received"; }

/// <summary>Executing side: record every time limit that has passed without its decision.</summary>
public sealed record RecordMissedDeadlines : CertificateCommand
{ public override string Name => "deadline-check"; }

/// <summary>Issuing side: the executing State's report number <see cref="Sequence"/> (1 = receipt).</summary>
public sealed record ApplyReport(int Sequence, ICertificateEvent Reported) : CertificateCommand
{ public override string Name => "report"; }

/// <summary>
/// The certificate rules of Reg (EU) 2018/1805 as one pure function of (command, state, now): every
/// pair yields events, nothing (an idempotent no-op), or a refusal that says why. No I/O.
/// </summary>
public static class CertificateDecider
{
    public static Decision Decide(CertificateCommand command, Certificate? certificate, Instant now)
    {
        if (certificate is null)
            return command switch
            {
                IssueCertificate c => Decision.Of(new CertificateIssued(c.CertificateId, c.Kind, c.Details, now)),
                ReceiveCertificate c => Decision.Of(new CertificateReceived(c.CertificateId, c.Kind, c.Details, now)),
                _ => new Decision.Refuse("The certificate does not exist."),
            };

        var status = certificate.Status;
        var executing = certificate.Role == CertificateRole.Executing;
        return command switch
        {
            IssueCertificate or ReceiveCertificate => new Decision.Refuse($"Certificate {certificate.Id} already exists."),
            TransmitCertificate when !executing && status is CertificateStatus.Issued =>
                Decision.Of(new CertificateTransmitted(certificate.Details.ExecutingState, now)),
            ApplyReport c when !executing => DecideReport(c, certificate),
            WithdrawCertificate c when !executing => Withdrawable(certificate)
                ? Decision.Of(new CertificateWithdrawn(c.Reason, now))
                : new Decision.Refuse($"A {Naming.SnakeCase(certificate.Kind.ToString())} certificate in status '{status.ToWire()}' cannot be withdrawn (Art 27)."),
            // Whatever the executing side decided meanwhile, the withdrawal ends it, except an executed
            // confiscation, which a withdrawal cannot undo (the issuing side's fold agrees: Certificate.Evolve).
            ReceiveWithdrawal c when executing => status is CertificateStatus.Withdrawn
                ? new Decision.Accept([])
                : certificate is { Kind: CertificateKind.Confiscation, Status: CertificateStatus.Executed }
                    ? new Decision.Refuse("The confiscation was executed before the withdrawal arrived; it cannot be undone.")
                    : Decision.Of(new CertificateWithdrawn(c.Reason, now)),
            DecideCostSharing c when !executing => DecideCosts(c, certificate, now),
            ReceiveCostDecision c when executing => ReceiveCosts(c, certificate),
            NotifyRemainingAmount c when !executing => status.IsClosed() || status is CertificateStatus.Issued
                ? new Decision.Accept([]) // nothing to tell: closed, or not yet sent (the certificate itself goes with the order's amount)
                : DecideRemaining(c, certificate, now),
            _ when !executing => NotIn(command, certificate),
            _ when status.IsClosed() => NotIn(command, certificate),
            ConsultIssuingAuthority c when status is not CertificateStatus.Executed =>
                Decision.Of(new IssuingAuthorityConsulted(c.Subject, c.Outcome, now)),
            RecogniseCertificate when Undecided(certificate) => Decision.Of(new CertificateRecognised(now)),
            RefuseCertificate c when Undecided(certificate) => DecideRefusal(c, certificate, now),
            PostponeExecution c when status is CertificateStatus.Received or CertificateStatus.Recognised or CertificateStatus.PartlyRefused =>
                Grounded(c.Grounds, CertificateGrounds.Postponement(certificate.Kind), () =>
                    Decision.Of(new ExecutionPostponed(c.Grounds, c.Reason, status, now))),
            ExecuteCertificate c when Recognised(certificate) => DecideExecution(c, certificate, now),
            DeclareExecutionImpossible c when status is not CertificateStatus.Executed =>
                Grounded(c.Grounds, CertificateGrounds.Impossibility(certificate.Kind), () =>
                    Decision.Of(new ExecutionImpossible(c.Grounds, c.Reason, now))),
            NotifyRemainingAmount c => DecideRemaining(c, certificate, now),
            RecordShare c => DecideShare(c, certificate, now),
            ProposeCostSharing c => ProposeCosts(c, certificate, now),
            RecordShareSettlement c => DecideShareSettlement(c, certificate, now),
            RecordMissedDeadlines => new Decision.Accept(CertificateDeadlines.Missed(certificate, now)
                .Select(d => (object)new CertificateDeadlineMissed(d.Kind, d.Due, now)).ToList()),
            _ => NotIn(command, certificate),
        };
    }

    /// <summary>The commands a user of this ledger can take on the certificate now (by route name); a property test holds it to <see cref="Decide"/>.</summary>
    public static IReadOnlySet<string> Offers(Certificate c)
    {
        var offered = new HashSet<string>(StringComparer.Ordinal);
        if (c.Role == CertificateRole.Issuing)
        {
            if (c.Status is CertificateStatus.Issued) offered.Add("transmit");
            if (Withdrawable(c)) offered.Add("withdrawal");
            if (c.CostProposals.Any(p => p.Open)) offered.Add("cost-decisions");
            return offered;
        }
        if (c.Status.IsClosed()) return offered;
        if (c.Status is not CertificateStatus.Executed) offered.UnionWith(["consultations", "impossibility"]);
        if (Undecided(c))
        {
            offered.Add("recognition");
            if (c.Consultations.Count > 0) offered.UnionWith(["refusal", "partial-refusal"]);
        }
        if (c.Status is CertificateStatus.Received or CertificateStatus.Recognised or CertificateStatus.PartlyRefused) offered.Add("postponement");
        if (Recognised(c)) offered.Add("execution");
        if (c.Status.IsRecognised() || c.Status is CertificateStatus.Executed or CertificateStatus.Postponed) offered.Add("cost-proposals");
        return offered;
    }

    /// <summary>No recognition decision yet: received, or postponed before deciding.</summary>
    private static bool Undecided(Certificate c) =>
        c.Status is CertificateStatus.Received || c is { Status: CertificateStatus.Postponed, StatusBeforePostponement: CertificateStatus.Received };

    /// <summary>Recognised (in whole or in part) and not yet executed, possibly after a postponement.</summary>
    private static bool Recognised(Certificate c) =>
        c.Status is CertificateStatus.Recognised or CertificateStatus.PartlyRefused
        || c is { Status: CertificateStatus.Postponed, StatusBeforePostponement: CertificateStatus.Recognised or CertificateStatus.PartlyRefused };

    /// <summary>
    /// Art 27: the issuing authority may withdraw until the matter is closed. An executed freezing can
    /// still be withdrawn (the executing State then lifts the freezing, Art 12(1)); an executed
    /// confiscation cannot be undone by withdrawing the certificate.
    /// </summary>
    private static bool Withdrawable(Certificate c) =>
        !c.Status.IsClosed() && !(c.Kind == CertificateKind.Confiscation && c.Status is CertificateStatus.Executed);

    private static Decision DecideRefusal(RefuseCertificate c, Certificate certificate, Instant now)
    {
        var article = certificate.Kind == CertificateKind.Freezing ? "Art 8(2)" : "Art 19(2)";
        if (certificate.Consultations.Count == 0)
            return new Decision.Refuse($"The issuing authority must be consulted before a refusal, in whole or in part ({article}).");
        return Grounded(c.Grounds, CertificateGrounds.Refusal(certificate.Kind), () =>
        {
            if (!c.Partly) return Decision.Of(new CertificateRefused(c.Grounds, c.Reason, now));
            if (c.RecognisedAmount is { } part && certificate.Details.AmountForExecutingState is { } asked)
            {
                if (part.Currency != asked.Currency)
                    return Invalid("recognisedAmount", $"Must be in {asked.Currency}, the currency of the amount asked.");
                if (part.Amount <= 0 || part >= asked)
                    return Invalid("recognisedAmount", $"Must be more than zero and less than the {asked} asked (a partial recognition).");
            }
            return Decision.Of(new CertificatePartlyRefused(c.Grounds, c.Reason, c.RecognisedAmount, now));
        });
    }

    private static Decision DecideExecution(ExecuteCertificate c, Certificate certificate, Instant now)
    {
        if (c.Value is { } value && certificate.ExecutionCap is { } cap)
        {
            if (value.Currency != cap.Currency)
                return Invalid("value", $"Must be in {cap.Currency}, the currency of the certificate's amount.");
            if (value > cap)
                return new Decision.Refuse($"Executing {value} would exceed the {cap} that may still be recovered under this order (Arts 16(2)-(3), 18(4)).");
        }
        if (certificate.Kind == CertificateKind.Confiscation && c.Value is null && certificate.Details.AmountForExecutingState is not null)
            return Invalid("value", "A confiscation of a sum of money needs the amount obtained.");
        return Decision.Of(new CertificateExecuted(c.Value, c.Note, now));
    }

    /// <summary>
    /// The issuing side's view of an order executed in several States (Arts 16(2)-(3), 18(4)): what
    /// the order's total leaves after every execution reported under its certificates (never below
    /// zero), or null when the order names no sum.
    /// </summary>
    public static Money? RemainingOfOrder(IEnumerable<Certificate> certificatesOfOrder)
    {
        var all = certificatesOfOrder.ToList();
        if (all.Select(c => c.Details.OrderTotal).FirstOrDefault(t => t is not null) is not { } total) return null;
        var recovered = all.Where(c => c.ExecutedValue is { } v && v.Currency == total.Currency)
            .Aggregate(0m, (sum, c) => sum + c.ExecutedValue!.Value.Amount);
        return new Money(Math.Max(0m, total.Amount - recovered), total.Currency);
    }

    /// <summary>
    /// Art 30(7) applies to money obtained from a confiscation that was executed: a share is recorded
    /// once per allocation (the same allocation again is a no-op), in the currency of the amount obtained.
    /// </summary>
    private static Decision DecideShare(RecordShare c, Certificate certificate, Instant now)
    {
        if (certificate is not { Kind: CertificateKind.Confiscation, Status: CertificateStatus.Executed })
            return new Decision.Refuse($"Proceeds are shared under an executed confiscation certificate (Art 30); this one is a {Naming.SnakeCase(certificate.Kind.ToString())} certificate in status '{certificate.Status.ToWire()}'.");
        if (certificate.Shares.FirstOrDefault(s => s.AllocationId == c.AllocationId) is { } existing)
            return existing.Due == c.Amount ? new Decision.Accept([]) : new Decision.Refuse($"Allocation {c.AllocationId} was already shared as {existing.Due}.");
        if (c.Amount.Amount < 0) return Invalid("amount", "Must not be negative.");
        if (certificate.ExecutedValue is { } obtained && obtained.Currency != c.Amount.Currency)
            return Invalid("currency", $"The share must be in {obtained.Currency}, the currency of the amount obtained.");
        return Decision.Of(new ProceedsShared(c.DistributionId, c.AllocationId, c.Amount, c.Regime, c.Basis, now));
    }

    private static Decision DecideShareSettlement(RecordShareSettlement c, Certificate certificate, Instant now)
    {
        if (certificate.Shares.FirstOrDefault(s => s.AllocationId == c.AllocationId) is not { } share)
            return new Decision.Refuse($"No share of allocation {c.AllocationId} was recorded on this certificate.");
        if (c.Amount.Currency != share.Due.Currency)
            return Invalid("amount.currency", $"Must be {share.Due.Currency}, the currency of the share.");
        if (c.Amount.Amount <= 0 || c.Amount > share.Outstanding)
            return new Decision.Refuse($"A payment of {c.Amount} is more than the {share.Outstanding} outstanding of the share.");
        return Decision.Of(new ShareSettled(c.DistributionId, c.AllocationId, c.Amount, c.SettledOn, c.BankReference, now));
    }

    /// <summary>
    /// Art 31(1): each State bears its own costs; Art 31(2): the executing State may propose sharing
    /// costs it finds large or exceptional, once it has taken the certificate on (recognised it, in
    /// whole or in part; executing or executed). The share asked is positive and at most the costs.
    /// </summary>
    private static Decision ProposeCosts(ProposeCostSharing c, Certificate certificate, Instant now)
    {
        if (certificate.CostProposals.FirstOrDefault(p => p.ProposalId == c.ProposalId) is { } existing)
            return existing.Costs == c.Costs && existing.ProposedShare == c.ProposedShare
                ? new Decision.Accept([]) : new Decision.Refuse($"Proposal {c.ProposalId} was already made with other figures.");
        if (!(certificate.Status.IsRecognised() || certificate.Status is CertificateStatus.Executed or CertificateStatus.Postponed))
            return new Decision.Refuse($"Costs are proposed for sharing once the certificate is recognised (Art 31(2)); it is '{certificate.Status.ToWire()}'.");
        if (c.Costs.Amount <= 0) return Invalid("costs.amount", "Must be more than zero.");
        if (c.ProposedShare.Currency != c.Costs.Currency) return Invalid("proposedShare.currency", $"Must be {c.Costs.Currency}, the currency of the costs.");
        if (c.ProposedShare.Amount <= 0 || c.ProposedShare > c.Costs) return Invalid("proposedShare.amount", $"Must be more than zero and at most the costs ({c.Costs}).");
        return Decision.Of(new CostSharingProposed(c.ProposalId, c.Costs, c.ProposedShare, c.Description, now));
    }

    private static Decision DecideCosts(DecideCostSharing c, Certificate certificate, Instant now)
    {
        if (certificate.CostProposals.FirstOrDefault(p => p.ProposalId == c.ProposalId) is not { } proposal)
            return new Decision.Refuse($"No cost-sharing proposal {c.ProposalId} on this certificate.");
        if (!proposal.Open)
            return proposal.Outcome == c.Outcome ? new Decision.Accept([]) : new Decision.Refuse($"Proposal {c.ProposalId} was already answered ({Naming.SnakeCase(proposal.Outcome!.Value.ToString())}).");
        Money? agreed = c.Outcome switch
        {
            CostDecision.Accepted => proposal.ProposedShare,
            CostDecision.Rejected => null,
            _ => c.AgreedShare,
        };
        if (c.Outcome == CostDecision.Agreed)
        {
            if (agreed is not { } a) return Invalid("agreedShare", "An agreed share needs its amount.");
            if (a.Currency != proposal.Costs.Currency) return Invalid("agreedShare.currency", $"Must be {proposal.Costs.Currency}, the currency of the costs.");
            if (a.Amount <= 0 || a > proposal.Costs) return Invalid("agreedShare.amount", $"Must be more than zero and at most the costs ({proposal.Costs}).");
        }
        else if (c.AgreedShare is not null) return Invalid("agreedShare", "Only an agreed share names an amount (accepted takes the share proposed).");
        return Decision.Of(new CostSharingDecided(c.ProposalId, c.Outcome, agreed, c.Reason, now));
    }

    private static Decision ReceiveCosts(ReceiveCostDecision c, Certificate certificate)
    {
        if (certificate.CostProposals.FirstOrDefault(p => p.ProposalId == c.ProposalId) is not { } proposal)
            return new Decision.Refuse($"No cost-sharing proposal {c.ProposalId} on this certificate.");
        return proposal.Open
            ? Decision.Of(new CostSharingDecided(c.ProposalId, c.Outcome, c.AgreedShare, c.Reason, c.DecidedAt))
            : new Decision.Accept([]);
    }

    private static Decision DecideRemaining(NotifyRemainingAmount c, Certificate certificate, Instant now)
    {
        if (certificate.Details.OrderTotal is { } total && total.Currency != c.Remaining.Currency)
            return Invalid("remaining", $"Must be in {total.Currency}, the currency of the order.");
        if (c.Remaining.Amount < 0)
            return Invalid("remaining", "Must not be negative.");
        return certificate.RemainingNotified == c.Remaining
            ? new Decision.Accept([])
            : Decision.Of(new RemainingAmountNotified(c.Remaining, now));
    }

    /// <summary>
    /// A report from the executing ledger is applied exactly once and in the executing side's order:
    /// an old number is a repeat (nothing appended), a number beyond the next is early (refused, the
    /// outbox delivers it again after the ones before it), and the next one must be a legal step here.
    /// </summary>
    private static Decision DecideReport(ApplyReport c, Certificate certificate)
    {
        if (c.Sequence <= certificate.Reports) return new Decision.Accept([]);
        if (c.Sequence > certificate.Reports + 1)
            return new Decision.Refuse($"Report {c.Sequence} arrived before report {certificate.Reports + 1}.");
        var recorded = CertificateReports.AsIssuingSideEvent(c.Reported);
        if (!CertificateReports.IsReported(c.Reported))
            return new Decision.Refuse($"{c.Reported.GetType().Name} is not a report of the executing State.");
        // Reports come in the executing side's order, where each was a legal step; what is left to check
        // is that receipt comes first. A report that crossed our withdrawal is still a fact (recorded).
        var status = certificate.Status;
        var legal = recorded is ReceiptConfirmed
            ? status is CertificateStatus.Transmitted or CertificateStatus.Withdrawn
            : status is not (CertificateStatus.Issued or CertificateStatus.Transmitted);
        return legal
            ? Decision.Of(recorded)
            : new Decision.Refuse($"Report {c.Sequence} ({c.Reported.GetType().Name}) does not follow status '{status.ToWire()}'.");
    }

    private static Decision Grounded(IReadOnlyList<string> grounds, IReadOnlyList<CertificateGrounds.Ground> allowed, Func<Decision> decide)
    {
        if (grounds.Count == 0)
            return Invalid("grounds", $"Name at least one ground: {string.Join(", ", allowed.Select(g => g.Code))}.");
        var unknown = CertificateGrounds.Unknown(grounds, allowed);
        return unknown.Count > 0
            ? Invalid("grounds", $"Not a ground for this certificate: {string.Join(", ", unknown)}. Allowed: {string.Join(", ", allowed.Select(g => g.Code))}.")
            : decide();
    }

    private static Decision Invalid(string field, string message) =>
        new Decision.Invalid(new Dictionary<string, string[]> { [field] = [message] });

    private static Decision NotIn(CertificateCommand command, Certificate certificate) =>
        new Decision.Refuse($"'{command.Name}' is not allowed on the {(certificate.Role == CertificateRole.Issuing ? "issuing" : "executing")} side of a certificate in status '{certificate.Status.ToWire()}'.");
}
