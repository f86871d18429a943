using System.Buffers.Binary;
using System.Security.Cryptography;
using AssetLedger.Assets;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Cases;

/// <summary>A command on an existing case. Every one is validated for shape before it gets here.</summary>
public abstract record CaseCommand
{
    /// <summary>The API's name for the command (the last path segment of its route).</summary>
    public abstract string Name { get; }
}

/// <summary>An asset is registered in the case (the asset's own stream is started by the caller).</summary>
public sealed record AddAssetToCase(Guid AssetId, AssetKind Kind) : CaseCommand
{ public override string Name => "assets"; }

/// <summary>Closing the case; <paramref name="AssetStatuses"/> are the current statuses of the case's assets (the caller loads them).</summary>
public sealed record CloseCase(string Reason, Instant ClosedAt, IReadOnlyList<AssetStatus> AssetStatuses) : CaseCommand
{ public override string Name => "close"; }

/// <summary>Giving another agency access to the case. <paramref name="RequestedBy"/> is the caller's agency: only the lead agency may add.</summary>
public sealed record AddParticipatingAgency(string Agency, string? RequestedBy) : CaseCommand
{ public override string Name => "agencies"; }

public sealed record RegisterVictimClaim(Guid ClaimId, string VictimRef, Money Amount, string Basis, int? PriorityRank) : CaseCommand
{
    public override string Name => "victim-claims";

    /// <summary>Commands can end up in logs: the victim's pseudonym never does.</summary>
    public override string ToString() => $"RegisterVictimClaim {{ ClaimId = {ClaimId} }}";
}

/// <summary>
/// Computing a distribution. <paramref name="Jurisdiction"/> is ours (the caller's; the treasury payee id);
/// <paramref name="AssetIds"/> null means every realised asset of the case not yet distributed;
/// <paramref name="Realised"/> are the case's assets in status realised with their proceeds kept and costs
/// (the caller loads them; assets that are not the case's are ignored).
/// </summary>
public sealed record ComputeDistribution(
    Guid DistributionId, string Jurisdiction, string Regime, string? Counterparty, RegimeParameters? Parameters,
    IReadOnlyList<Guid>? AssetIds, string? Currency, IReadOnlyList<FxRate> Fx, IReadOnlyList<RealisedAssetProceeds> Realised,
    Instant ComputedAt) : CaseCommand
{ public override string Name => "distributions"; }

public sealed record SettleAllocation(Guid DistributionId, Guid AllocationId, Money Amount, LocalDate SettledOn, string BankReference) : CaseCommand
{ public override string Name => "settlements"; }

/// <summary>
/// The case's rules as one pure function: every (command, case) pair either yields events, a refusal
/// (409) naming the reason, or, for a distribution whose input is invalid, field errors (400).
/// No I/O, no clock, no random numbers.
/// </summary>
public static class CaseDecider
{
    public const string ClosedMessage = "The case is in status 'closed' and accepts no further commands.";
    public const string NotLeadAgencyMessage = "Only the lead agency of the case may add participating agencies.";

    public static Decision Decide(CaseCommand command, Case state) => (command, state) switch
    {
        // The lead-agency check comes first, even on a closed case (as the API has always answered).
        (AddParticipatingAgency c, _) when !IsLeadAgency(state, c.RequestedBy) => new Decision.Refuse(NotLeadAgencyMessage),
        // A distribution request's own errors are a 400, before anything the case's state refuses (409).
        (ComputeDistribution c, _) when DistributionCalculator.Check(RequestAlone(c)) is { } rejected => new Decision.Invalid(rejected.Errors),
        (_, { Status: CaseStatus.Closed }) => new Decision.Refuse(ClosedMessage),

        (AddAssetToCase c, { Status: CaseStatus.Open }) => Decision.Of(new AssetAddedToCase(c.AssetId, c.Kind)),
        (CloseCase c, { Status: CaseStatus.Open }) => DecideClose(c, state),
        (AddParticipatingAgency c, { Status: CaseStatus.Open }) when state.Agencies.Contains(c.Agency, StringComparer.Ordinal) =>
            new Decision.Refuse($"Agency '{c.Agency}' already has access to the case."),
        (AddParticipatingAgency c, { Status: CaseStatus.Open }) => Decision.Of(new ParticipatingAgencyAdded(c.Agency)),
        (RegisterVictimClaim c, { Status: CaseStatus.Open }) when state.VictimClaims.Any(v => v.ClaimId == c.ClaimId) =>
            new Decision.Refuse($"Claim {c.ClaimId} is already registered."),
        (RegisterVictimClaim c, { Status: CaseStatus.Open }) =>
            Decision.Of(new VictimClaimRegistered(c.ClaimId, c.VictimRef, c.Amount, c.Basis, c.PriorityRank)),
        (ComputeDistribution c, { Status: CaseStatus.Open }) => DecideDistribution(c, state),
        (SettleAllocation c, { Status: CaseStatus.Open }) => DecideSettlement(c, state),

        _ => throw new ArgumentOutOfRangeException(nameof(command), $"'{command.Name}' ({command.GetType().Name}) is not a command this decider knows for a case in status '{state.Status}'."),
    };

    /// <summary>Whether <paramref name="agency"/> (the caller's agency claim) is the lead agency of the case (ordinal).</summary>
    public static bool IsLeadAgency(Case state, string? agency) =>
        agency is not null && string.Equals(state.LeadAgency, agency, StringComparison.Ordinal);

    private static Decision DecideClose(CloseCase c, Case state)
    {
        var open = c.AssetStatuses.Where(s => !s.IsTerminal()).Select(s => s.ToWire()).Distinct().Order().ToList();
        if (open.Count > 0)
            return new Decision.Refuse($"The case cannot be closed while assets are not terminal (statuses: {string.Join(", ", open)}).");
        // A closed case accepts no further commands, so nothing may still be owed to anyone.
        var unpaid = state.Distributions.SelectMany(d => d.Allocations).Count(a => !a.Allocation.Retained && a.Remaining.Amount > 0);
        return unpaid > 0
            ? new Decision.Refuse($"The case cannot be closed while {unpaid} allocation(s) of its distributions are not fully settled.")
            : Decision.Of(new CaseClosed(c.Reason, c.ClosedAt));
    }

    private static DistributionInput RequestAlone(ComputeDistribution c) =>
        new(c.Jurisdiction, c.Regime, c.Counterparty, [], c.Currency, [], c.Parameters, c.Fx);

    private static Decision DecideDistribution(ComputeDistribution c, Case state)
    {
        var realised = c.Realised.Where(a => state.AssetIds.Contains(a.AssetId)).ToDictionary(a => a.AssetId);
        if (ChooseAssets(c, state, realised) is { } refusal) return new Decision.Refuse(refusal);
        var chosen = (c.AssetIds ?? realised.Keys.Where(id => !state.DistributedAssetIds.Contains(id)).ToList())
            .Select(id => realised[id])
            .OrderBy(a => IndexOf(state.AssetIds, a.AssetId))
            .ToList();

        var input = new DistributionInput(c.Jurisdiction, c.Regime, c.Counterparty, chosen, c.Currency,
            Treasury.Outstanding(state.VictimClaims), c.Parameters, c.Fx);
        return DistributionCalculator.Calculate(input) switch
        {
            DistributionRejected rejected => new Decision.Invalid(rejected.Errors),
            NothingToDistribute nothing => new Decision.Refuse(nothing.Reason),
            DistributionResult result => Decision.Of(new DistributionComputed(c.DistributionId, input, result,
                result.Allocations.Select((a, i) => new StoredAllocation(AllocationId(c.DistributionId, i), a)).ToList(), c.ComputedAt)),
            var other => throw new InvalidOperationException($"Unknown distribution outcome {other.GetType().Name}."),
        };
    }

    /// <summary>An asset is distributed at most once, and only once realised; with no list, every realised asset not yet distributed.</summary>
    private static string? ChooseAssets(ComputeDistribution c, Case state, IReadOnlyDictionary<Guid, RealisedAssetProceeds> realised)
    {
        if (c.AssetIds is null)
            return realised.Keys.Any(id => !state.DistributedAssetIds.Contains(id)) ? null : "Nothing left to distribute: every realised asset of the case is already in a distribution.";
        if (c.AssetIds.Count == 0) return "Nothing to distribute: assetIds is empty.";
        foreach (var id in c.AssetIds)
        {
            if (!state.AssetIds.Contains(id)) return $"Asset {id} is not part of case {state.Id}.";
            if (!realised.ContainsKey(id)) return $"Asset {id} is not realised.";
            if (state.DistributedAssetIds.Contains(id)) return $"Asset {id} is already in a distribution.";
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<Guid> ids, Guid id)
    {
        for (var i = 0; i < ids.Count; i++)
            if (ids[i] == id) return i;
        return -1;
    }

    /// <summary>
    /// The id of the allocation at <paramref name="index"/> of a distribution: a name-based UUID, the first
    /// 16 bytes of SHA-256 over the distribution id (16 bytes, RFC 9562 byte order) and the index (4 bytes,
    /// big-endian), with the version nibble set to 8 and the RFC 9562 variant bits. Derived rather than
    /// random so that the decision stays pure: the same command on the same case always yields the same
    /// events, a replay or a retry computes the same ids, and tests can name them.
    /// </summary>
    public static Guid AllocationId(Guid distributionId, int index)
    {
        Span<byte> name = stackalloc byte[20];
        if (!distributionId.TryWriteBytes(name[..16], bigEndian: true, out _))
            throw new InvalidOperationException("A Guid is 16 bytes.");
        BinaryPrimitives.WriteInt32BigEndian(name[16..], index);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (custom, name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10xx
        return new Guid(bytes, bigEndian: true);
    }

    private static Decision DecideSettlement(SettleAllocation c, Case state)
    {
        // The API answers 404 for an unknown distribution before it gets here; this is a guard.
        if (state.Distributions.FirstOrDefault(d => d.DistributionId == c.DistributionId) is not { } distribution)
            return new Decision.Refuse($"No distribution {c.DistributionId} in case {state.Id}.");
        if (Treasury.RefuseSettlement(distribution, c.AllocationId, c.Amount) is { } refusal)
            return new Decision.Refuse(refusal);
        return Decision.Of(new AllocationSettled(c.DistributionId, c.AllocationId, c.Amount, c.SettledOn, c.BankReference));
    }
}
