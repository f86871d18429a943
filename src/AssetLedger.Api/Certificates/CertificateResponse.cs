using AssetLedger.Certificates;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Certificates;

/// <summary>A time limit as users read it: due, met, missed (recorded), and overdue now.</summary>
public sealed record CertificateDeadlineDto(DeadlineKind Kind, Instant Due, string LegalBasis, bool Met, bool Missed, bool Overdue, bool Decided);

/// <summary>A certificate as the API returns it; absent parts are null. <c>actions</c> are the commands this ledger may take now.</summary>
public sealed record CertificateResponse(
    Guid CertificateId, CertificateKind Kind, CertificateRole Role, CertificateStatus Status, string OtherState,
    CertificateDetails Details, Instant IssuedAt, Instant? TransmittedAt, Instant? ReceivedAt, Instant? RecognisedAt,
    Instant? ExecutedAt, Money? ExecutedValue, Money? RecognisedAmount, Money? RemainingNotified, Money? ExecutionCap,
    IReadOnlyList<Consultation> Consultations, GroundedDecision? Refusal, GroundedDecision? Postponement,
    GroundedDecision? Impossibility, string? WithdrawalReason, IReadOnlyList<CertificateDeadlineDto> Deadlines, IReadOnlyList<CertificateShare> Shares, IReadOnlyList<CostProposal> CostProposals,
    IReadOnlyList<string> Actions, int Reports, long Version, Instant UpdatedAt)
{
    public static CertificateResponse From(Certificate c, Instant now) => new(
        c.Id, c.Kind, c.Role, c.Status, c.OtherState, c.Details, c.IssuedAt, c.TransmittedAt, c.ReceivedAt, c.RecognisedAt,
        c.ExecutedAt, c.ExecutedValue, c.RecognisedAmount, c.RemainingNotified, c.ExecutionCap,
        c.Consultations, c.Refusal, c.Postponement, c.Impossibility, c.WithdrawalReason,
        CertificateDeadlines.Of(c).Select(d => new CertificateDeadlineDto(d.Kind, d.Due, d.LegalBasis, d.Met, d.Missed, d.OverdueAt(now) && !c.Status.IsClosed(), d.Decided)).ToList(),
        c.Shares, c.CostProposals,
        CertificateDecider.Offers(c).Order(StringComparer.Ordinal).ToList(), c.Reports, c.Version, c.UpdatedAt);
}

public sealed record CertificateList(IReadOnlyList<CertificateResponse> Items, long Total);

public static class CertificateQueries
{
    public static async Task<Outcome> CurrentAsync(IQuerySession session, Guid id, Instant now, CancellationToken ct) =>
        await session.LoadAsync<Certificate>(id, ct) is { } c
            ? new Outcome.Done(CertificateResponse.From(c, now), c.Version)
            : new Outcome.NotFound($"No certificate {id}.");
}
