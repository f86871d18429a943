using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Certificates;

// Facts about one certificate, in its own stream (id = the certificate id, chosen by the issuing
// side and the same in both ledgers). Who recorded them and why travel in the event envelope;
// a fact learnt from the other State's ledger carries the peer message id as its command id.

/// <summary>Marks the events of a certificate stream.</summary>
public interface ICertificateEvent;

/// <summary>Our authority issued a certificate for property in another State (issuing side, first event).</summary>
public sealed record CertificateIssued(Guid CertificateId, CertificateKind Kind, CertificateDetails Details, Instant IssuedAt) : ICertificateEvent;

/// <summary>The certificate was handed to the outbox for the executing State's ledger (Art 4(1), Art 14(1)).</summary>
public sealed record CertificateTransmitted(string ToState, Instant TransmittedAt) : ICertificateEvent;

/// <summary>A certificate arrived from the issuing State (executing side, first event); time limits run from here.</summary>
public sealed record CertificateReceived(Guid CertificateId, CertificateKind Kind, CertificateDetails Details, Instant ReceivedAt) : ICertificateEvent;

/// <summary>Issuing side: the executing State's ledger reported that it received the certificate.</summary>
public sealed record ReceiptConfirmed(Instant ReceivedAt) : ICertificateEvent;

/// <summary>The executing authority consulted the issuing authority (required before a refusal: Art 8(2), Art 19(2)).</summary>
public sealed record IssuingAuthorityConsulted(string Subject, string Outcome, Instant ConsultedAt) : ICertificateEvent;

public sealed record CertificateRecognised(Instant DecidedAt) : ICertificateEvent;

/// <summary>Recognised in part (Art 8(1), Art 19(1)); <see cref="RecognisedAmount"/> is the part executed, when a sum.</summary>
public sealed record CertificatePartlyRefused(IReadOnlyList<string> Grounds, string Reason, Money? RecognisedAmount, Instant DecidedAt) : ICertificateEvent;

public sealed record CertificateRefused(IReadOnlyList<string> Grounds, string Reason, Instant DecidedAt) : ICertificateEvent;

/// <summary>Execution postponed (Art 10, Art 21); <see cref="StatusBefore"/> is where resuming returns.</summary>
public sealed record ExecutionPostponed(IReadOnlyList<string> Grounds, string Reason, CertificateStatus StatusBefore, Instant PostponedAt) : ICertificateEvent;

/// <summary>The order was executed; <see cref="Value"/> is the value frozen or the amount obtained.</summary>
public sealed record CertificateExecuted(Money? Value, string? Note, Instant ExecutedAt) : ICertificateEvent;

/// <summary>Execution is impossible (Art 13, Art 22): the property is gone, destroyed or cannot be found.</summary>
public sealed record ExecutionImpossible(IReadOnlyList<string> Grounds, string Reason, Instant DeclaredAt) : ICertificateEvent;

/// <summary>The issuing authority withdrew the certificate; the executing State terminates execution (Art 27).</summary>
public sealed record CertificateWithdrawn(string Reason, Instant WithdrawnAt) : ICertificateEvent;

/// <summary>
/// The issuing State told this executing State what remains of the order after executions elsewhere
/// (Arts 16(2)-(3), 18(4)): execution here never takes more.
/// </summary>
public sealed record RemainingAmountNotified(Money Remaining, Instant NotifiedAt) : ICertificateEvent;

/// <summary>A time limit of the Regulation passed without the decision it asks for; the duty to decide continues.</summary>
public sealed record CertificateDeadlineMissed(DeadlineKind Kind, Instant Due, Instant RecordedAt) : ICertificateEvent;

/// <summary>
/// Art 30(7): the executing State's distribution of the money obtained under the confiscation (victims
/// first, Art 30(1)-(2); then the EUR 10,000 threshold and the half) gives the issuing State this share,
/// to be transferred to the account of the certificate. A share of zero is a fact too: the sum stays.
/// </summary>
public sealed record ProceedsShared(Guid DistributionId, Guid AllocationId, Money Amount, string Regime, string Basis, Instant SharedAt) : ICertificateEvent;

/// <summary>
/// Art 31(2): the executing State, facing costs it considers large or exceptional, proposes that the
/// issuing State share them, with a breakdown (the description) and the part it asks for.
/// </summary>
public sealed record CostSharingProposed(Guid ProposalId, Money Costs, Money ProposedShare, string Description, Instant ProposedAt) : ICertificateEvent;

/// <summary>The issuing State's answer to a cost-sharing proposal (Art 31(2)): accepted, rejected, or a share agreed otherwise.</summary>
public sealed record CostSharingDecided(Guid ProposalId, CostDecision Outcome, Money? AgreedShare, string Reason, Instant DecidedAt) : ICertificateEvent;

/// <summary>The executing State paid (part of) the issuing State's share: amount, value date, bank reference.</summary>
public sealed record ShareSettled(Guid DistributionId, Guid AllocationId, Money Amount, LocalDate SettledOn, string BankReference, Instant RecordedAt) : ICertificateEvent;

/// <summary>Which events the executing ledger reports to the issuing ledger, and in what order.</summary>
public static class CertificateReports
{
    /// <summary>
    /// The executing side's facts the issuing side records too: receipt (as <see cref="ReceiptConfirmed"/>),
    /// consultations, decisions, execution, impossibility, missed time limits, and the issuing State's
    /// share of the proceeds with its settlements (Art 30(7)). Withdrawal and the
    /// remaining amount travel the other way.
    /// </summary>
    public static bool IsReported(object e) => e is CertificateReceived or IssuingAuthorityConsulted or CertificateRecognised
        or CertificatePartlyRefused or CertificateRefused or ExecutionPostponed or CertificateExecuted or ExecutionImpossible
        or CertificateDeadlineMissed or ProceedsShared or ShareSettled or CostSharingProposed;

    /// <summary>An event the issuing side records from a report (the receipt as its confirmation).</summary>
    public static bool IsRecordedReport(object e) => e is ReceiptConfirmed || (e is not CertificateReceived && IsReported(e));

    /// <summary>The event as the issuing side records it: receipt becomes a confirmation, the rest is the same fact.</summary>
    public static ICertificateEvent AsIssuingSideEvent(ICertificateEvent e) => e is CertificateReceived r ? new ReceiptConfirmed(r.ReceivedAt) : e;
}
