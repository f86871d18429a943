using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Certificates;

public sealed record Consultation(string Subject, string Outcome, Instant ConsultedAt);

/// <summary>A decision of the executing authority with its grounds (refusal, postponement, impossibility).</summary>
public sealed record GroundedDecision(IReadOnlyList<string> Grounds, string Reason, Instant At);

/// <summary>A cost-sharing proposal of the executing State (Art 31(2)) and, once given, the issuing State's answer.</summary>
public sealed record CostProposal(Guid ProposalId, Money Costs, Money ProposedShare, string Description, Instant ProposedAt,
    CostDecision? Outcome = null, Money? AgreedShare = null, string? Reason = null, Instant? DecidedAt = null)
{
    public bool Open => Outcome is null;
}

public sealed record SharePayment(Money Amount, LocalDate SettledOn, string BankReference);

/// <summary>The issuing State's share of one distribution of the executing State (Art 30(7)): due, and what was paid of it.</summary>
public sealed record CertificateShare(Guid DistributionId, Guid AllocationId, Money Due, string Regime, string Basis, Instant SharedAt,
    IReadOnlyList<SharePayment> Payments)
{
    public Money Settled => Payments.Aggregate(new Money(0m, Due.Currency), (sum, p) => sum + p.Amount);
    public Money Outstanding => Due - Settled;
}

/// <summary>
/// One certificate, folded from its stream: the decision state of <see cref="CertificateDecider"/>
/// and the document the certificate pages read. Both ledgers fold the same events, so the issuing
/// and the executing side show the same status once the reports have arrived.
/// </summary>
public sealed record Certificate
{
    public Guid Id { get; init; }
    public CertificateKind Kind { get; init; }
    public CertificateRole Role { get; init; }
    public CertificateDetails Details { get; init; } = null!;
    public CertificateStatus Status { get; init; }
    /// <summary>Where resuming a postponed execution returns (received, recognised or partly refused).</summary>
    public CertificateStatus? StatusBeforePostponement { get; init; }
    public Instant IssuedAt { get; init; }
    /// <summary><see cref="IssuedAt"/> as a number, for the list's order in the database (newest first).</summary>
    public long IssuedAtUnixMs => IssuedAt.ToUnixTimeMilliseconds();
    public Instant? TransmittedAt { get; init; }
    public Instant? ReceivedAt { get; init; }
    public Instant? RecognisedAt { get; init; }
    public Instant? ExecutedAt { get; init; }
    public Money? ExecutedValue { get; init; }
    public Money? RecognisedAmount { get; init; }
    /// <summary>What the issuing State last said remains of the order (Arts 16, 18(4)).</summary>
    public Money? RemainingNotified { get; init; }
    public IReadOnlyList<Consultation> Consultations { get; init; } = [];
    public GroundedDecision? Refusal { get; init; }
    public GroundedDecision? Postponement { get; init; }
    public GroundedDecision? Impossibility { get; init; }
    public string? WithdrawalReason { get; init; }
    public IReadOnlyList<CertificateDeadlineMissed> MissedDeadlines { get; init; } = [];
    /// <summary>The issuing State's shares of the executing State's distributions, with their payments.</summary>
    public IReadOnlyList<CertificateShare> Shares { get; init; } = [];
    /// <summary>Cost-sharing proposals (Art 31(2)) with their answers.</summary>
    public IReadOnlyList<CostProposal> CostProposals { get; init; } = [];
    /// <summary>
    /// Executing side: how many reported events (<see cref="CertificateReports.IsReported"/>) this
    /// stream holds. Issuing side: how many of the executing side's reports have been applied. A
    /// report carries its number, so the issuing side applies each exactly once and in order.
    /// </summary>
    public int Reports { get; init; }
    public long Version { get; init; }
    public Instant UpdatedAt { get; init; }

    public string OtherState => Role == CertificateRole.Issuing ? Details.ExecutingState : Details.IssuingState;

    /// <summary>The most this executing State may still recover under the certificate (null: no sum named).</summary>
    public Money? ExecutionCap
    {
        get
        {
            var cap = RecognisedAmount ?? Details.AmountForExecutingState;
            if (RemainingNotified is { } remaining && (cap is null || (remaining.Currency == cap.Value.Currency && remaining < cap.Value)))
                cap = remaining;
            return cap;
        }
    }

    public static Certificate Evolve(Certificate? state, object @event, long version, Instant recordedAt)
    {
        var next = @event switch
        {
            CertificateIssued e => new Certificate
            {
                Id = e.CertificateId, Kind = e.Kind, Role = CertificateRole.Issuing, Details = e.Details,
                Status = CertificateStatus.Issued, IssuedAt = e.IssuedAt,
            },
            CertificateReceived e => new Certificate
            {
                Id = e.CertificateId, Kind = e.Kind, Role = CertificateRole.Executing, Details = e.Details,
                Status = CertificateStatus.Received, IssuedAt = e.ReceivedAt, ReceivedAt = e.ReceivedAt, Reports = 1,
            },
            _ when state is null => throw new InvalidOperationException($"{@event.GetType().Name} before the certificate was issued or received"),
            CertificateTransmitted e => state with { Status = CertificateStatus.Transmitted, TransmittedAt = e.TransmittedAt },
            ReceiptConfirmed e => state with { Status = CertificateStatus.Received, ReceivedAt = e.ReceivedAt },
            IssuingAuthorityConsulted e => state with { Consultations = [.. state.Consultations, new Consultation(e.Subject, e.Outcome, e.ConsultedAt)] },
            CertificateRecognised e => state with { Status = CertificateStatus.Recognised, RecognisedAt = e.DecidedAt, StatusBeforePostponement = null },
            CertificatePartlyRefused e => state with
            {
                Status = CertificateStatus.PartlyRefused, RecognisedAt = e.DecidedAt, RecognisedAmount = e.RecognisedAmount,
                Refusal = new GroundedDecision(e.Grounds, e.Reason, e.DecidedAt), StatusBeforePostponement = null,
            },
            CertificateRefused e => state with { Status = CertificateStatus.Refused, Refusal = new GroundedDecision(e.Grounds, e.Reason, e.DecidedAt) },
            ExecutionPostponed e => state with
            {
                Status = CertificateStatus.Postponed, StatusBeforePostponement = e.StatusBefore,
                Postponement = new GroundedDecision(e.Grounds, e.Reason, e.PostponedAt),
            },
            CertificateExecuted e => state with { Status = CertificateStatus.Executed, ExecutedAt = e.ExecutedAt, ExecutedValue = e.Value, StatusBeforePostponement = null },
            ExecutionImpossible e => state with { Status = CertificateStatus.Impossible, Impossibility = new GroundedDecision(e.Grounds, e.Reason, e.DeclaredAt) },
            CertificateWithdrawn e => state with { Status = CertificateStatus.Withdrawn, WithdrawalReason = e.Reason },
            RemainingAmountNotified e => state with { RemainingNotified = e.Remaining },
            CertificateDeadlineMissed e => state with { MissedDeadlines = [.. state.MissedDeadlines, e] },
            ProceedsShared e => state with { Shares = [.. state.Shares, new CertificateShare(e.DistributionId, e.AllocationId, e.Amount, e.Regime, e.Basis, e.SharedAt, [])] },
            CostSharingProposed e => state with { CostProposals = [.. state.CostProposals, new CostProposal(e.ProposalId, e.Costs, e.ProposedShare, e.Description, e.ProposedAt)] },
            CostSharingDecided e => state with
            {
                CostProposals = state.CostProposals.Select(p => p.ProposalId == e.ProposalId
                    ? p with { Outcome = e.Outcome, AgreedShare = e.AgreedShare, Reason = e.Reason, DecidedAt = e.DecidedAt }
                    : p).ToList(),
            },
            ShareSettled e => state with
            {
                Shares = state.Shares.Select(s => s.AllocationId == e.AllocationId
                    ? s with { Payments = [.. s.Payments, new SharePayment(e.Amount, e.SettledOn, e.BankReference)] }
                    : s).ToList(),
            },
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not an event of a certificate stream."),
        };
        // Issuing side: a report that crossed our withdrawal is recorded, but the certificate stays
        // withdrawn, as the executing side will be once the withdrawal reaches it; only an executed
        // confiscation, which a withdrawal cannot undo (the executing side refuses it), prevails.
        if (state is { Role: CertificateRole.Issuing, Status: CertificateStatus.Withdrawn } && CertificateReports.IsRecordedReport(@event)
            && !(state.Kind == CertificateKind.Confiscation && @event is CertificateExecuted))
            next = next with { Status = CertificateStatus.Withdrawn };
        var counted = state is not null && next.Role == CertificateRole.Executing && CertificateReports.IsReported(@event)
            || state is not null && next.Role == CertificateRole.Issuing && CertificateReports.IsRecordedReport(@event);
        return next with { Version = version, UpdatedAt = recordedAt, Reports = counted ? next.Reports + 1 : next.Reports };
    }
}
