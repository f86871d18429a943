using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Assets;


// Facts about one asset, in its own stream. Who recorded them, when, under which command and
// correlation id travel in the event envelope (stream metadata), not in these records.

public sealed record OrderDeadline(string Kind, LocalDate Due);

/// <summary>A court order as recorded on an asset. One order may cover several assets.</summary>
public sealed record CourtOrder(
    Guid OrderId, OrderType Type, string Court, string Reference, LocalDate IssuedOn,
    LocalDate? ExpiresOn, Money? MaxAmount, string? IssuingState, IReadOnlyList<OrderDeadline> Deadlines)
{
    /// <summary>Same order details (the id, type and every legal field), compared by value.</summary>
    public bool SameDetailsAs(CourtOrder other) =>
        OrderId == other.OrderId && Type == other.Type && Court == other.Court && Reference == other.Reference
        && IssuedOn == other.IssuedOn && ExpiresOn == other.ExpiresOn && MaxAmount == other.MaxAmount
        && IssuingState == other.IssuingState && Deadlines.SequenceEqual(other.Deadlines);
}

public sealed record AssetRegistered(
    Guid AssetId, Guid CaseId, AssetKind Kind, string? Description, IReadOnlyDictionary<string, string> Identifiers,
    string Location, string? Holder, IReadOnlyList<string> CaseAgencies);

public sealed record AssetFrozen(string OrderReference, Instant FrozenAt, Money? Amount, string? Holder);

public sealed record AssetSeized(string Custodian, string Location, Instant SeizedAt, string? SealNumber);

public sealed record CustodyTransferred(string ToCustodian, string ToLocation, Instant TransferredAt, string? SealNumber);

public sealed record AssetValued(Money Value, ValuationMethod Method, string Valuer, LocalDate ValuedOn, Money? Liens);

public sealed record RestraintOrderRecorded(CourtOrder Order);

/// <summary>A confiscation order; <see cref="StatusBefore"/> is where an allowed appeal returns the asset.</summary>
public sealed record ConfiscationOrdered(CourtOrder Order, AssetStatus StatusBefore);

public sealed record ReleaseOrderRecorded(CourtOrder Order);

public sealed record AppealLodged(Guid OrderId, LocalDate LodgedOn);

public sealed record AppealDismissed(Guid OrderId, LocalDate DecidedOn);

public sealed record AppealAllowed(Guid OrderId, LocalDate DecidedOn, AssetStatus RestoredStatus);

public sealed record ConfiscationOrderFinal(Guid OrderId, LocalDate FinalOn);

public sealed record AssetRealised(
    Guid OrderId, Money Gross, Money Costs, Money ReturnedToOwner, RealisationMethod Method, LocalDate RealisedOn);

public sealed record AssetReleased(ReleaseReason Reason, LocalDate ReleasedOn, string? Note);

public sealed record AssetDisposed(DisposalMethod Method, LocalDate DisposedOn, string? Note);
