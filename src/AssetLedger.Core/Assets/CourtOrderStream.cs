using AssetLedger.Core.Money;

namespace AssetLedger.Assets;

// An order that covers several assets has its own stream (id = orderId). It carries the order's
// details once, the assets it was recorded on, and the proceeds counted against its cap, so the
// cap check over all assets is serialised through this one stream's version.

public sealed record OrderRegistered(CourtOrder Order, Guid CaseId) : IOrderEvent;

public sealed record OrderAppliedToAsset(Guid AssetId) : IOrderEvent;

public sealed record ProceedsCountedAgainstOrder(Guid AssetId, Money Kept) : IOrderEvent;

public sealed record CourtOrderLedger
{
    public Guid Id { get; init; }
    public Guid CaseId { get; init; }
    public CourtOrder? Order { get; init; }
    public IReadOnlyList<Guid> AssetIds { get; init; } = [];
    public IReadOnlyList<Money> Realised { get; init; } = [];
    public long Version { get; init; }

    public static CourtOrderLedger Evolve(CourtOrderLedger? state, object @event, long version)
    {
        var s = state ?? new CourtOrderLedger();
        var next = @event switch
        {
            OrderRegistered e => s with { Id = e.Order.OrderId, Order = e.Order, CaseId = e.CaseId },
            OrderAppliedToAsset e => s with { AssetIds = [.. s.AssetIds, e.AssetId] },
            ProceedsCountedAgainstOrder e => s with { Realised = MoneyTotals.PerCurrency([.. s.Realised, e.Kept]) },
            // Every IOrderEvent is folded above; anything else reaching this fold is a wiring bug, not a no-op.
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not an event of a court order stream."),
        };
        return next with { Version = version };
    }

    /// <summary>Recording the order on one more asset: same details, same case, or a refusal.</summary>
    public string? RefuseApplying(CourtOrder order, Guid caseId)
    {
        if (Order is null) return null;
        if (CaseId != caseId) return $"Order {order.OrderId} belongs to another case.";
        if (!Order.SameDetailsAs(order)) return $"Order {order.OrderId} is already recorded with different details.";
        return null;
    }

    /// <summary>
    /// Invariant 5: the total realised under one order never exceeds its maximum amount, across all
    /// assets. Equal is allowed. A cap in another currency than the proceeds cannot be compared and
    /// is refused rather than guessed.
    /// </summary>
    public string? RefuseProceeds(Money kept)
    {
        if (Order?.MaxAmount is not { } cap) return null;
        if (cap.Currency != kept.Currency)
            return $"The order's maximum amount is in {cap.Currency}; proceeds in {kept.Currency} cannot be counted against it.";
        var already = Realised.Where(m => m.Currency == cap.Currency).Sum(m => m.Amount);
        var total = already + kept.Amount;
        return total > cap.Amount
            ? $"Realising {kept} would bring the total under order {Order.Reference} to {new Money(total, cap.Currency)}, above its maximum amount {cap}."
            : null;
    }
}
