using AssetLedger.Assets;
using NodaTime;

namespace AssetLedger.Cases;

public enum Offence { TraffickingInHumanBeings, MigrantSmuggling, MoneyLaundering, Other }

public enum CaseStatus { Open, Closed }

/// <summary>Marks the events of a case stream.</summary>
public interface ICaseEvent;

public sealed record CaseOpened(
    Guid CaseId, string Reference, string Title, IReadOnlyList<Offence> Offences, string Jurisdiction,
    string LeadAgency, IReadOnlyList<string> ParticipatingAgencies, Instant OpenedAt) : ICaseEvent;

/// <summary>Recorded on the case stream when an asset is registered, so case-level checks
/// (closing, no assets added to a closed case) serialise through the case stream's version.</summary>
public sealed record AssetAddedToCase(Guid AssetId, AssetKind Kind) : ICaseEvent;

public sealed record CaseClosed(string Reason, Instant ClosedAt) : ICaseEvent;

/// <summary>The lead agency gave another agency access to the case (and so to its assets).</summary>
public sealed record ParticipatingAgencyAdded(string Agency) : ICaseEvent;

/// <summary>The case's own fields, folded from the case stream (inline, so always current).</summary>
public sealed record Case
{
    /// <summary>A case reference as it is unique in a jurisdiction: trimmed, case-insensitive (upper case).</summary>
    public static string ReferenceKey(string reference) => reference.Trim().ToUpperInvariant();

    public Guid Id { get; init; }
    public string Reference { get; init; } = "";
    public string Title { get; init; } = "";
    public IReadOnlyList<Offence> Offences { get; init; } = [];
    public string Jurisdiction { get; init; } = "";
    public string LeadAgency { get; init; } = "";
    public IReadOnlyList<string> ParticipatingAgencies { get; init; } = [];
    public CaseStatus Status { get; init; }
    public Instant OpenedAt { get; init; }
    public Instant? ClosedAt { get; init; }
    public string? CloseReason { get; init; }
    public IReadOnlyList<Guid> AssetIds { get; init; } = [];
    public IReadOnlyList<VictimClaim> VictimClaims { get; init; } = [];
    public IReadOnlyList<DistributionState> Distributions { get; init; } = [];
    /// <summary>Assets already covered by a distribution: never distributed twice.</summary>
    public IReadOnlyList<Guid> DistributedAssetIds { get; init; } = [];
    public long Version { get; init; }
    public IEnumerable<string> Agencies => ParticipatingAgencies.Prepend(LeadAgency);

    public static Case Evolve(Case? state, object @event, long version)
    {
        var next = @event switch
        {
            CaseOpened e => new Case
            {
                Id = e.CaseId, Reference = e.Reference, Title = e.Title, Offences = e.Offences,
                Jurisdiction = e.Jurisdiction, LeadAgency = e.LeadAgency, ParticipatingAgencies = e.ParticipatingAgencies,
                Status = CaseStatus.Open, OpenedAt = e.OpenedAt,
            },
            _ when state is null => throw new InvalidOperationException($"{@event.GetType().Name} before CaseOpened"),
            AssetAddedToCase e => state with { AssetIds = [.. state.AssetIds, e.AssetId] },
            CaseClosed e => state with { Status = CaseStatus.Closed, ClosedAt = e.ClosedAt, CloseReason = e.Reason },
            ParticipatingAgencyAdded e => state with { ParticipatingAgencies = [.. state.ParticipatingAgencies, e.Agency] },
            VictimClaimRegistered e => state with { VictimClaims = Treasury.Register(state.VictimClaims, e) },
            DistributionComputed e => state with
            {
                VictimClaims = Treasury.ApplyPayments(state.VictimClaims, e),
                Distributions = [.. state.Distributions, Treasury.Start(e)],
                DistributedAssetIds = [.. state.DistributedAssetIds, .. e.Input.Assets.Select(a => a.AssetId)],
            },
            AllocationSettled e => state with { Distributions = Treasury.Settle(state.Distributions, e) },
            // Every ICaseEvent is folded above; anything else reaching this fold is a wiring bug, not a no-op.
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not an event of a case stream."),
        };
        return next with { Version = version };
    }
}
