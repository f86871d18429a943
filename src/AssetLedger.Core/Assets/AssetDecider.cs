namespace AssetLedger.Assets;

/// <summary>
/// The outcome of a decision: events to append, a refusal (HTTP 409) that says why, or invalid
/// input (HTTP 400) with messages per field.
/// </summary>
public abstract record Decision
{
    public sealed record Accept(IReadOnlyList<object> Events) : Decision;
    public sealed record Refuse(string Reason) : Decision;
    /// <summary>The command's input is invalid: field → messages, ready for an RFC 9457 <c>errors</c> member.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Decision;

    public static Decision Of(params object[] events) => new Accept(events);
}

/// <summary>
/// The asset lifecycle of domain.md as one pure function: every (command, status) pair either
/// yields events or an explicit refusal naming the status. No I/O, no clock.
/// </summary>
public static class AssetDecider
{
    public static Decision Decide(AssetCommand command, Asset asset)
    {
        var status = asset.Status;
        if (status.IsTerminal())
            return NotIn(command, status);

        return command switch
        {
            Freeze c when status is AssetStatus.Identified =>
                Decision.Of(new AssetFrozen(c.OrderReference, c.FrozenAt, c.Amount, c.Holder)),
            Seize c when status is AssetStatus.Identified or AssetStatus.Frozen =>
                Decision.Of(new AssetSeized(c.Custodian, c.Location, c.SeizedAt, c.SealNumber)),
            TransferCustody c =>
                Decision.Of(new CustodyTransferred(c.ToCustodian, c.ToLocation, c.TransferredAt, c.SealNumber)),
            RecordValuation c =>
                Decision.Of(new AssetValued(c.Value, c.Method, c.Valuer, c.ValuedOn, c.Liens)),
            RecordOrder c => DecideOrder(c.Order, asset),
            LodgeAppeal c when status is AssetStatus.ConfiscationOrdered =>
                WithActiveConfiscation(asset, c.OrderId, _ => Decision.Of(new AppealLodged(c.OrderId, c.LodgedOn))),
            DecideAppeal c when status is AssetStatus.UnderAppeal =>
                WithActiveConfiscation(asset, c.OrderId, _ => c.Outcome == AppealOutcome.Dismissed
                    ? Decision.Of(new AppealDismissed(c.OrderId, c.DecidedOn))
                    : Decision.Of(new AppealAllowed(c.OrderId, c.DecidedOn, StatusBeforeConfiscation(asset, c.OrderId)))),
            RecordFinality c when status is AssetStatus.ConfiscationOrdered =>
                WithActiveConfiscation(asset, c.OrderId, order => c.FinalOn < order.Order.IssuedOn
                    ? new Decision.Refuse($"Order {c.OrderId} was issued on {order.Order.IssuedOn:uuuu-MM-dd} and cannot have become final on {c.FinalOn:uuuu-MM-dd}, before it.")
                    : Decision.Of(new ConfiscationOrderFinal(c.OrderId, c.FinalOn))),
            Realise c when status is AssetStatus.Confiscated => DecideRealisation(c, asset),
            ReleaseAsset c when status is AssetStatus.Identified or AssetStatus.Frozen or AssetStatus.Seized or AssetStatus.ConfiscationOrdered =>
                Decision.Of(new AssetReleased(c.Reason, c.ReleasedOn, c.Note)),
            DisposeAsset c when status is AssetStatus.Confiscated =>
                Decision.Of(new AssetDisposed(c.Method, c.DisposedOn, c.Note)),
            _ => NotIn(command, status),
        };
    }

    /// <summary>
    /// The commands that can be accepted on the asset as it is (by route name, <see cref="AssetCommand.Name"/>):
    /// the pairs of <see cref="Decide"/> that yield events for some well-formed command. A screen asks
    /// this to offer only the actions that apply; a property test holds it to <see cref="Decide"/>.
    /// </summary>
    public static IReadOnlySet<string> Offers(Asset asset)
    {
        var status = asset.Status;
        var offered = new HashSet<string>(StringComparer.Ordinal);
        if (status.IsTerminal()) return offered;
        var active = asset.ActiveConfiscation;
        if (status is AssetStatus.Identified) offered.Add("freeze");
        if (status is AssetStatus.Identified or AssetStatus.Frozen) offered.Add("seize");
        offered.UnionWith(["custody-transfers", "valuations", "orders"]);
        if (status is AssetStatus.ConfiscationOrdered && active is not null) offered.UnionWith(["appeals", "finality"]);
        if (status is AssetStatus.UnderAppeal && active is not null && asset.StatusBeforeConfiscation is not null) offered.Add("appeal-decisions");
        if (status is AssetStatus.Confiscated && active is { Status: OrderStatus.Final }) offered.Add("realisation");
        if (status is AssetStatus.Identified or AssetStatus.Frozen or AssetStatus.Seized or AssetStatus.ConfiscationOrdered) offered.Add("release");
        if (status is AssetStatus.Confiscated) offered.Add("disposal");
        return offered;
    }

    private static Decision DecideOrder(CourtOrder order, Asset asset)
    {
        var status = asset.Status;
        if (asset.FindOrder(order.OrderId) is { } existing)
            return existing.Order.SameDetailsAs(order)
                ? new Decision.Refuse($"Order {order.OrderId} is already recorded on this asset.")
                : new Decision.Refuse($"Order {order.OrderId} is already recorded on this asset with different details.");

        return order.Type switch
        {
            OrderType.Restraint => Decision.Of(new RestraintOrderRecorded(order)),
            OrderType.Confiscation when status is AssetStatus.Frozen or AssetStatus.Seized =>
                Decision.Of(new ConfiscationOrdered(order, status)),
            OrderType.Release when status is AssetStatus.Identified or AssetStatus.Frozen or AssetStatus.Seized or AssetStatus.ConfiscationOrdered =>
                Decision.Of(new ReleaseOrderRecorded(order), new AssetReleased(ReleaseReason.CourtOrder, order.IssuedOn, $"Release order {order.Reference}")),
            _ => new Decision.Refuse($"A {Naming.SnakeCase(order.Type.ToString())} order cannot be recorded on an asset in status '{status.ToWire()}'."),
        };
    }

    private static Decision DecideRealisation(Realise c, Asset asset)
    {
        if (asset.ActiveConfiscation is not { Status: OrderStatus.Final } order)
            return new Decision.Refuse("The asset has no final confiscation order.");
        // Invariant 2 holds for the legal dates too, not only for the order of the events.
        if (order.FinalOn is { } finalOn && c.RealisedOn < finalOn)
            return new Decision.Refuse($"Confiscation order {order.Order.OrderId} became final on {finalOn:uuuu-MM-dd}; nothing can be realised under it on {c.RealisedOn:uuuu-MM-dd}, before that.");
        return Decision.Of(new AssetRealised(order.Order.OrderId, c.Gross, c.Costs, c.Returned, c.Method, c.RealisedOn));
    }

    private static Decision WithActiveConfiscation(Asset asset, Guid orderId, Func<OrderOnAsset, Decision> decide)
    {
        var order = asset.FindOrder(orderId);
        if (order is null)
            return new Decision.Refuse($"Order {orderId} is not recorded on this asset.");
        if (order.Order.Type != OrderType.Confiscation || order.Status == OrderStatus.Quashed)
            return new Decision.Refuse($"Order {orderId} is not the confiscation order in force on this asset (status '{asset.Status.ToWire()}').");
        return decide(order);
    }

    private static AssetStatus StatusBeforeConfiscation(Asset asset, Guid orderId) =>
        asset.StatusBeforeConfiscation ?? throw new InvalidOperationException($"Asset {asset.Id} is under appeal of {orderId} without a recorded prior status.");

    private static Decision NotIn(AssetCommand command, AssetStatus status) =>
        new Decision.Refuse($"'{command.Name}' is not allowed for an asset in status '{status.ToWire()}'.");
}
