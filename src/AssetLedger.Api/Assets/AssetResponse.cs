using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Assets;

public sealed record ValuationDto(Money Value, ValuationMethod Method, LocalDate ValuedOn, string Valuer, Money? Liens);
public sealed record FreezingDto(string OrderReference, Instant FrozenAt, Money? Amount, string? Holder);
public sealed record CustodyDto(string Custodian, string Location, Instant Since, string? SealNumber);
public sealed record OrderDto(
    Guid OrderId, OrderType Type, string Court, string Reference, LocalDate IssuedOn, LocalDate? ExpiresOn,
    Money? MaxAmount, string? IssuingState, IReadOnlyList<OrderDeadline> Deadlines, OrderStatus Status);
public sealed record RealisationDto(Money Gross, Money Costs, Money ReturnedToOwner, Money Net, RealisationMethod Method, LocalDate RealisedOn, Guid OrderId);
public sealed record ReleaseDto(ReleaseReason Reason, LocalDate ReleasedOn, string? Note);
public sealed record DisposalDto(DisposalMethod Method, LocalDate DisposedOn, string? Note);

/// <summary>The asset status of api.md. Absent parts are null.</summary>
public sealed record AssetResponse(
    Guid AssetId, Guid CaseId, AssetKind Kind, string? Description, IReadOnlyDictionary<string, string> Identifiers,
    string Location, string? Holder, AssetStatus Status, long Version, ValuationDto? LatestValuation,
    FreezingDto? Freezing, CustodyDto? Custody, IReadOnlyList<OrderDto> Orders, RealisationDto? Realisation,
    ReleaseDto? Release, DisposalDto? Disposal, Instant UpdatedAt)
{
    /// <param name="today">Today in the case's jurisdiction: a restraint order in force that expired before it reads <c>expired</c>.</param>
    public static AssetResponse From(Asset a, LocalDate today) => new(
        a.Id, a.CaseId, a.Kind, a.Description, a.Identifiers, a.Location, a.Holder, a.Status, a.Version,
        a.LatestValuation is { } v ? new ValuationDto(v.Value, v.Method, v.ValuedOn, v.Valuer, v.Liens) : null,
        a.Freezing is { } f ? new FreezingDto(f.OrderReference, f.FrozenAt, f.Amount, f.Holder) : null,
        a.Custody is { } c ? new CustodyDto(c.Custodian, c.Location, c.Since, c.SealNumber) : null,
        a.Orders.Select(o => ToDto(o, today)).ToList(),
        a.Realisation is { } r ? new RealisationDto(r.Gross, r.Costs, r.ReturnedToOwner, r.Net, r.Method, r.RealisedOn, r.OrderId) : null,
        a.Release is { } rel ? new ReleaseDto(rel.Reason, rel.ReleasedOn, rel.Note) : null,
        a.Disposal is { } d ? new DisposalDto(d.Method, d.DisposedOn, d.Note) : null,
        a.UpdatedAt);

    private static OrderDto ToDto(OrderOnAsset o, LocalDate today)
    {
        var x = o.Order;
        var status = o.Status == OrderStatus.InForce && x.Type == OrderType.Restraint && x.ExpiresOn is { } exp && exp < today
            ? OrderStatus.Expired
            : o.Status;
        return new OrderDto(x.OrderId, x.Type, x.Court, x.Reference, x.IssuedOn, x.ExpiresOn, x.MaxAmount, x.IssuingState, x.Deadlines, status);
    }
}
