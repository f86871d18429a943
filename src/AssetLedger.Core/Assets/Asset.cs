using AssetLedger.Core.Money;
using System.Text.Json.Serialization;
using NodaTime;

namespace AssetLedger.Assets;

public sealed record Valuation(Money Value, ValuationMethod Method, string Valuer, LocalDate ValuedOn, Money? Liens);

public sealed record Freezing(string OrderReference, Instant FrozenAt, Money? Amount, string? Holder);

public sealed record Custody(string Custodian, string Location, Instant Since, string? SealNumber);

/// <param name="FinalOn">The date the order became final (set with <see cref="OrderStatus.Final"/>; absent before).</param>
public sealed record OrderOnAsset(CourtOrder Order, OrderStatus Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LocalDate? FinalOn = null);

public sealed record Realisation(Guid OrderId, Money Gross, Money Costs, Money ReturnedToOwner, RealisationMethod Method, LocalDate RealisedOn)
{
    /// <summary>Proceeds the State keeps: gross minus what went back to the owner (derived, not stored).</summary>
    [JsonIgnore]
    public Money Kept => Gross - ReturnedToOwner;
    [JsonIgnore]
    public Money Net => Gross - Costs - ReturnedToOwner;
}

public sealed record Release(ReleaseReason Reason, LocalDate ReleasedOn, string? Note);

public sealed record Disposal(DisposalMethod Method, LocalDate DisposedOn, string? Note);

/// <summary>
/// The state of one asset, folded from its stream. It is both the decider's state and the
/// document the inline projection stores (so reads and decisions see the same thing).
/// The stored document leaves out what is empty (null) and what is derived (the active
/// confiscation, a realisation's kept and net): reading it back gives the same state, and a
/// smaller document is cheaper to write on every command and in a rebuild.
/// </summary>
public sealed record Asset
{
    public Guid Id { get; init; }
    public Guid CaseId { get; init; }
    public AssetKind Kind { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> Identifiers { get; init; } = new Dictionary<string, string>();
    public string Location { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Holder { get; init; }
    public IReadOnlyList<string> CaseAgencies { get; init; } = [];
    public AssetStatus Status { get; init; }
    /// <summary>Where an allowed appeal against the confiscation order returns the asset (frozen or seized).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AssetStatus? StatusBeforeConfiscation { get; init; }
    public long Version { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Valuation? LatestValuation { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Freezing? Freezing { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Custody? Custody { get; init; }
    public IReadOnlyList<OrderOnAsset> Orders { get; init; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Realisation? Realisation { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Release? Release { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Disposal? Disposal { get; init; }
    public Instant UpdatedAt { get; init; }
    /// <summary>
    /// True when the deadline list has something for the asset: it is not in a terminal status and an
    /// order that still binds (neither quashed nor final) carries an expiry or a deadline. Computed from
    /// the rest, and stored with the document (serialised, not read back), where an index finds those
    /// assets for the list.
    /// </summary>
    public bool HasDeadlines => BindingOrders().Any(o => o.Order.ExpiresOn is not null || o.Order.Deadlines.Count > 0);

    /// <summary>The orders whose expiry and deadlines still count: none on an asset in a terminal status, none quashed or final.</summary>
    public IEnumerable<OrderOnAsset> BindingOrders() =>
        Status.IsTerminal() ? [] : Orders.Where(o => o.Status is not (OrderStatus.Quashed or OrderStatus.Final));
    /// <summary>
    /// The audit-chain hash of the stream's last event (set by the service's projection, not by
    /// <see cref="Evolve"/>): a command reads the previous hash with the state it decides on.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ChainHash { get; init; }

    public OrderOnAsset? FindOrder(Guid orderId) => Orders.FirstOrDefault(o => o.Order.OrderId == orderId);

    /// <summary>The confiscation order currently driving the lifecycle (not quashed), if any.</summary>
    [JsonIgnore]
    public OrderOnAsset? ActiveConfiscation =>
        Orders.LastOrDefault(o => o.Order.Type == OrderType.Confiscation && o.Status != OrderStatus.Quashed);

    /// <summary>
    /// The asset after <paramref name="event"/>. Every case stamps the version and the recording time in
    /// the same copy (one new record per event; a test checks every event type).
    /// </summary>
    public static Asset Evolve(Asset? state, object @event, long version, Instant recordedAt)
    {
        return @event switch
        {
            AssetRegistered e => new Asset
            {
                Version = version, UpdatedAt = recordedAt,
                Id = e.AssetId, CaseId = e.CaseId, Kind = e.Kind, Description = e.Description,
                Identifiers = e.Identifiers, Location = e.Location, Holder = e.Holder,
                CaseAgencies = e.CaseAgencies, Status = AssetStatus.Identified,
            },
            _ when state is null => throw new InvalidOperationException($"{@event.GetType().Name} before AssetRegistered"),
            AssetFrozen e => state with
            {
                Version = version, UpdatedAt = recordedAt,
                Status = AssetStatus.Frozen, Freezing = new Freezing(e.OrderReference, e.FrozenAt, e.Amount, e.Holder),
                Holder = e.Holder ?? state.Holder,
            },
            AssetSeized e => state with
            {
                Version = version, UpdatedAt = recordedAt,
                Status = AssetStatus.Seized, Custody = new Custody(e.Custodian, e.Location, e.SeizedAt, e.SealNumber),
            },
            CustodyTransferred e => state with { Version = version, UpdatedAt = recordedAt, Custody = new Custody(e.ToCustodian, e.ToLocation, e.TransferredAt, e.SealNumber) },
            AssetValued e => state with { Version = version, UpdatedAt = recordedAt, LatestValuation = new Valuation(e.Value, e.Method, e.Valuer, e.ValuedOn, e.Liens) },
            RestraintOrderRecorded e => state with { Version = version, UpdatedAt = recordedAt, Orders = [.. state.Orders, new OrderOnAsset(e.Order, OrderStatus.InForce)] },
            ReleaseOrderRecorded e => state with { Version = version, UpdatedAt = recordedAt, Orders = [.. state.Orders, new OrderOnAsset(e.Order, OrderStatus.InForce)] },
            ConfiscationOrdered e => state with
            {
                Version = version, UpdatedAt = recordedAt,
                Status = AssetStatus.ConfiscationOrdered, StatusBeforeConfiscation = e.StatusBefore,
                Orders = [.. state.Orders, new OrderOnAsset(e.Order, OrderStatus.InForce)],
            },
            AppealLodged e => state with { Version = version, UpdatedAt = recordedAt, Status = AssetStatus.UnderAppeal, Orders = WithOrderStatus(state, e.OrderId, OrderStatus.UnderAppeal) },
            AppealDismissed e => state with { Version = version, UpdatedAt = recordedAt, Status = AssetStatus.ConfiscationOrdered, Orders = WithOrderStatus(state, e.OrderId, OrderStatus.InForce) },
            AppealAllowed e => state with { Version = version, UpdatedAt = recordedAt, Status = e.RestoredStatus, Orders = WithOrderStatus(state, e.OrderId, OrderStatus.Quashed) },
            ConfiscationOrderFinal e => state with { Version = version, UpdatedAt = recordedAt, Status = AssetStatus.Confiscated, Orders = WithOrderStatus(state, e.OrderId, OrderStatus.Final, e.FinalOn) },
            AssetRealised e => state with
            {
                Version = version, UpdatedAt = recordedAt,
                Status = AssetStatus.Realised,
                Realisation = new Realisation(e.OrderId, e.Gross, e.Costs, e.ReturnedToOwner, e.Method, e.RealisedOn),
            },
            AssetReleased e => state with { Version = version, UpdatedAt = recordedAt, Status = AssetStatus.Released, Release = new Release(e.Reason, e.ReleasedOn, e.Note) },
            AssetAccessGranted e => state with { Version = version, UpdatedAt = recordedAt, CaseAgencies = [.. state.CaseAgencies, e.Agency] },
            AssetDisposed e => state with { Version = version, UpdatedAt = recordedAt, Status = AssetStatus.Disposed, Disposal = new Disposal(e.Method, e.DisposedOn, e.Note) },
            // Every IAssetEvent is folded above; anything else reaching this fold is a wiring bug, not a no-op.
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not an event of an asset stream."),
        };
    }

    private static IReadOnlyList<OrderOnAsset> WithOrderStatus(Asset state, Guid orderId, OrderStatus status, LocalDate? finalOn = null) =>
        state.Orders.Select(o => o.Order.OrderId == orderId ? o with { Status = status, FinalOn = finalOn ?? o.FinalOn } : o).ToList();
}
