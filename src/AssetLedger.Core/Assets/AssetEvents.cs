using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Assets;


// Facts about one asset, in its own stream. Who recorded them, when, under which command and
// correlation id travel in the event envelope (stream metadata), not in these records.

/// <summary>Marks the events of an asset stream.</summary>
public interface IAssetEvent;

/// <summary>Marks the events of a court order's stream.</summary>
public interface IOrderEvent;

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
    string Location, string? Holder, IReadOnlyList<string> CaseAgencies) : IAssetEvent;

public sealed record AssetFrozen(string OrderReference, Instant FrozenAt, Money? Amount, string? Holder) : IAssetEvent;

public sealed record AssetSeized(string Custodian, string Location, Instant SeizedAt, string? SealNumber) : IAssetEvent;

public sealed record CustodyTransferred(string ToCustodian, string ToLocation, Instant TransferredAt, string? SealNumber) : IAssetEvent;

public sealed record AssetValued(Money Value, ValuationMethod Method, string Valuer, LocalDate ValuedOn, Money? Liens) : IAssetEvent;

public sealed record RestraintOrderRecorded(CourtOrder Order) : IAssetEvent;

/// <summary>A confiscation order; <see cref="StatusBefore"/> is where an allowed appeal returns the asset.</summary>
public sealed record ConfiscationOrdered(CourtOrder Order, AssetStatus StatusBefore) : IAssetEvent;

public sealed record ReleaseOrderRecorded(CourtOrder Order) : IAssetEvent;

public sealed record AppealLodged(Guid OrderId, LocalDate LodgedOn) : IAssetEvent;

public sealed record AppealDismissed(Guid OrderId, LocalDate DecidedOn) : IAssetEvent;

public sealed record AppealAllowed(Guid OrderId, LocalDate DecidedOn, AssetStatus RestoredStatus) : IAssetEvent;

public sealed record ConfiscationOrderFinal(Guid OrderId, LocalDate FinalOn) : IAssetEvent;

public sealed record AssetRealised(
    Guid OrderId, Money Gross, Money Costs, Money ReturnedToOwner, RealisationMethod Method, LocalDate RealisedOn) : IAssetEvent;

public sealed record AssetReleased(ReleaseReason Reason, LocalDate ReleasedOn, string? Note) : IAssetEvent;

/// <summary>An agency added to the case gets access to this asset (not a lifecycle step: any status).</summary>
public sealed record AssetAccessGranted(string Agency) : IAssetEvent;

public sealed record AssetDisposed(DisposalMethod Method, LocalDate DisposedOn, string? Note) : IAssetEvent;
