using AssetLedger.Assets;
using NodaTime;

namespace AssetLedger.Tests.Assets;

using AssetLedger.Core.Money;

/// <summary>
/// Shared fixtures for the asset tests: fixed ids, orders, commands, and assets in every status built
/// by folding real event sequences through <see cref="Asset.Evolve"/> (never by setting Status).
/// </summary>
public static class AssetTestData
{
    public static readonly Guid AssetId = Guid.Parse("0a000000-0000-0000-0000-000000000001");
    public static readonly Guid CaseId = Guid.Parse("0c000000-0000-0000-0000-000000000001");

    /// <summary>The confiscation order that <see cref="AssetIn"/> puts on assets from confiscation_ordered onwards.</summary>
    public static readonly Guid ConfiscationId = Guid.Parse("0d000000-0000-0000-0000-0000000000c1");
    public static readonly Guid RestraintId = Guid.Parse("0d000000-0000-0000-0000-0000000000a1");
    /// <summary>An order id that is never recorded on any asset built here.</summary>
    public static readonly Guid UnknownOrderId = Guid.Parse("0d000000-0000-0000-0000-0000000000ff");

    public static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);
    public static readonly LocalDate D0 = new(2026, 1, 5);

    public static Money Eur(decimal amount) => new(amount, "EUR");

    public static CourtOrder Order(Guid id, OrderType type, string court = "Rechtbank Amsterdam", Money? maxAmount = null) =>
        new(id, type, court, $"REF-{type}-{id.ToString()[^4..]}", D0, type == OrderType.Restraint ? D0.PlusMonths(6) : null,
            maxAmount, null, []);

    public static AssetRegistered Registered() =>
        new(AssetId, CaseId, AssetKind.BankAccount, "Current account",
            new Dictionary<string, string> { ["iban"] = "NL91ABNA0417164300" }, "NL", "Shell company B.V.", ["NL-FIOD"]);

    /// <summary>Folds events into an asset, versions 1..n, one minute apart.</summary>
    public static Asset Fold(IEnumerable<object> events)
    {
        Asset? state = null;
        long version = 0;
        foreach (var e in events)
        {
            version++;
            state = Asset.Evolve(state, e, version, T0.Plus(Duration.FromMinutes(version)));
        }
        return state ?? throw new ArgumentException("no events");
    }

    /// <summary>Applies accepted events on top of an asset (the same fold the event store does).</summary>
    public static Asset Apply(Asset asset, IReadOnlyList<object> events)
    {
        var state = asset;
        foreach (var e in events)
            state = Asset.Evolve(state, e, state.Version + 1, state.UpdatedAt.Plus(Duration.FromMinutes(1)));
        return state;
    }

    /// <summary>
    /// A real event history that leaves the asset in <paramref name="status"/>. For the statuses that lie after a
    /// confiscation order, <paramref name="via"/> (frozen or seized) is the status the order was made in.
    /// </summary>
    public static IReadOnlyList<object> HistoryFor(AssetStatus status, AssetStatus via = AssetStatus.Seized)
    {
        if (via is not (AssetStatus.Frozen or AssetStatus.Seized))
            throw new ArgumentOutOfRangeException(nameof(via));
        var registered = Registered();
        var frozen = new AssetFrozen("RO-2026-1", T0, Eur(50_000m), null);
        var seized = new AssetSeized("Custodian A", "Vault 1", T0, "SEAL-1");
        var restraint = new RestraintOrderRecorded(Order(RestraintId, OrderType.Restraint));
        List<object> upToVia = via == AssetStatus.Frozen
            ? [registered, restraint, frozen]
            : [registered, restraint, frozen, seized];
        List<object> confiscationOrdered = [.. upToVia, new ConfiscationOrdered(Order(ConfiscationId, OrderType.Confiscation), via)];
        List<object> confiscated = [.. confiscationOrdered, new AppealLodged(ConfiscationId, D0), new AppealDismissed(ConfiscationId, D0),
            new ConfiscationOrderFinal(ConfiscationId, D0.PlusDays(30))];
        return status switch
        {
            AssetStatus.Identified => [registered],
            AssetStatus.Frozen => [registered, restraint, frozen],
            AssetStatus.Seized => [registered, seized],
            AssetStatus.ConfiscationOrdered => confiscationOrdered,
            AssetStatus.UnderAppeal => [.. confiscationOrdered, new AppealLodged(ConfiscationId, D0)],
            AssetStatus.Confiscated => confiscated,
            AssetStatus.Realised => [.. confiscated, new AssetRealised(ConfiscationId, Eur(40_000m), Eur(1_000m), Eur(0m), RealisationMethod.Sale, D0.PlusDays(60))],
            AssetStatus.Disposed => [.. confiscated, new AssetDisposed(DisposalMethod.Destroyed, D0.PlusDays(60), null)],
            AssetStatus.Released => [.. upToVia, new AssetReleased(ReleaseReason.ThirdPartyClaim, D0.PlusDays(10), null)],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
    }

    public static Asset AssetIn(AssetStatus status, AssetStatus via = AssetStatus.Seized) => Fold(HistoryFor(status, via));

    // Commands with valid fields.
    public static Freeze Freeze() => new("RO-2026-7", T0, Eur(10_000m), "Holder B.V.");
    public static Seize Seize() => new("Custodian B", "Warehouse 2", T0, "SEAL-9");
    public static TransferCustody TransferCustody() => new("Custodian C", "Vault 3", T0, null);
    public static RecordValuation RecordValuation() => new(Eur(45_000m), ValuationMethod.Appraisal, "Valuer X", D0, null);
    public static RecordOrder RecordOrder(Guid id, OrderType type, Money? maxAmount = null) => new(Order(id, type, maxAmount: maxAmount));
    public static LodgeAppeal LodgeAppeal(Guid orderId) => new(orderId, D0.PlusDays(1));
    public static DecideAppeal DecideAppeal(Guid orderId, AppealOutcome outcome) => new(orderId, outcome, D0.PlusDays(2));
    public static RecordFinality RecordFinality(Guid orderId) => new(orderId, D0.PlusDays(3));
    public static Realise Realise(decimal gross = 40_000m, decimal costs = 1_000m, decimal? returned = null) =>
        new(Eur(gross), Eur(costs), RealisationMethod.Auction, D0.PlusDays(90), returned is { } r ? Eur(r) : null);
    public static ReleaseAsset ReleaseAsset() => new(ReleaseReason.OrderExpired, D0.PlusDays(5), null);
    public static DisposeAsset DisposeAsset() => new(DisposalMethod.OfficialUse, D0.PlusDays(5), "police use");
}
