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
    /// <summary>U+001F: a control character no text field and no search may contain, so a search never spans both fields.</summary>
    public const string SearchSeparator = "\u001F";

    /// <summary>Lower-case reference and title, for case-insensitive search.</summary>
    public string SearchText { get; init; } = "";
    /// <summary>Sort key for "newest first" (Unix milliseconds of the opening).</summary>
    public long OpenedAtUnixMs { get; init; }
    /// <summary>"|LEAD|PART1|PART2|": agency membership as one searchable string.</summary>
    public string AgencyKey { get; init; } = "";

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
                SearchText = (e.Reference + SearchSeparator + e.Title).ToLowerInvariant(),
                OpenedAtUnixMs = e.OpenedAt.ToUnixTimeMilliseconds(),
                AgencyKey = "|" + string.Join("|", e.ParticipatingAgencies.Prepend(e.LeadAgency)) + "|",
            },
            _ when state is null => throw new InvalidOperationException($"{@event.GetType().Name} before CaseOpened"),
            AssetAddedToCase e => state with { AssetIds = [.. state.AssetIds, e.AssetId] },
            CaseClosed e => state with { Status = CaseStatus.Closed, ClosedAt = e.ClosedAt, CloseReason = e.Reason },
            ParticipatingAgencyAdded e => state with
            {
                ParticipatingAgencies = [.. state.ParticipatingAgencies, e.Agency],
                AgencyKey = state.AgencyKey + e.Agency + "|",
            },
            VictimClaimRegistered e => state with { VictimClaims = Treasury.Register(state.VictimClaims, e) },
            DistributionComputed e => state with
            {
                VictimClaims = Treasury.ApplyPayments(state.VictimClaims, e),
                Distributions = [.. state.Distributions, Treasury.Start(e)],
                DistributedAssetIds = [.. state.DistributedAssetIds, .. e.Input.Assets.Select(a => a.AssetId)],
            },
            AllocationSettled e => state with { Distributions = Treasury.Settle(state.Distributions, e) },
            _ => state,
        };
        return next with { Version = version };
    }
}

public static class CaseDecider
{
    public static Decision AddAsset(Case @case, Guid assetId, AssetKind kind) =>
        @case.Status == CaseStatus.Closed
            ? new Decision.Refuse("The case is in status 'closed' and accepts no further commands.")
            : Decision.Of(new AssetAddedToCase(assetId, kind));

    public static Decision Close(Case @case, string reason, Instant now, IEnumerable<AssetStatus> assetStatuses)
    {
        if (@case.Status == CaseStatus.Closed)
            return new Decision.Refuse("The case is in status 'closed' and accepts no further commands.");
        var open = assetStatuses.Where(s => !s.IsTerminal()).Select(s => s.ToWire()).Distinct().Order().ToList();
        if (open.Count > 0)
            return new Decision.Refuse($"The case cannot be closed while assets are not terminal (statuses: {string.Join(", ", open)}).");
        // A closed case accepts no further commands, so nothing may still be owed to anyone.
        var unpaid = @case.Distributions.SelectMany(d => d.Allocations).Count(a => !a.Allocation.Retained && a.Remaining.Amount > 0);
        return unpaid > 0
            ? new Decision.Refuse($"The case cannot be closed while {unpaid} allocation(s) of its distributions are not fully settled.")
            : Decision.Of(new CaseClosed(reason, now));
    }

    public static Decision AddAgency(Case @case, string agency)
    {
        if (RequireOpen(@case) is { } closed) return closed;
        return @case.Agencies.Contains(agency, StringComparer.Ordinal)
            ? new Decision.Refuse($"Agency '{agency}' already has access to the case.")
            : Decision.Of(new ParticipatingAgencyAdded(agency));
    }

    /// <summary>Case-level commands other than closing (victim claims, distributions) need an open case.</summary>
    public static Decision? RequireOpen(Case @case) =>
        @case.Status == CaseStatus.Closed ? new Decision.Refuse("The case is in status 'closed' and accepts no further commands.") : null;
}
