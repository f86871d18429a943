using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Certificates;
using AssetLedger.Core.Distribution;
using NodaTime;

namespace AssetLedger.Tests.Folds;

using AssetLedger.Core.Money;

/// <summary>
/// Every fold knows every event of its stream (enumerated by reflection over the core assembly, so a new
/// event type fails here until it has a sample and a fold case) and throws on anything else.
/// </summary>
public class when_folding_events
{
    private static readonly Guid CaseId = Guid.Parse("0c000000-0000-0000-0000-000000000001");
    private static readonly Guid AssetId = Guid.Parse("0a000000-0000-0000-0000-000000000001");
    private static readonly Guid OrderId = Guid.Parse("0d000000-0000-0000-0000-000000000001");
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly LocalDate D0 = new(2026, 1, 5);

    private static Money Eur(decimal amount) => new(amount, "EUR");

    private sealed record NotAnEvent;

    private static IReadOnlyList<Type> EventTypesOf<TMarker>() =>
        typeof(Case).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(TMarker).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

    private static CourtOrder Order(OrderType type) => new(OrderId, type, "Rechtbank Amsterdam", "REF-1", D0, null, Eur(100_000m), null, []);

    private static readonly CaseOpened Opened = new(CaseId, "NL-2026-0001", "Operation Tide", [Offence.MoneyLaundering], "NL", "NL-FIOD", ["NL-OM"], T0);

    private static Case OpenCase() => Case.Evolve(Case.Evolve(null, Opened, 1), new AssetAddedToCase(AssetId, AssetKind.Cash), 2);

    private static DistributionComputed Computed()
    {
        var decision = CaseDecider.Decide(new ComputeDistribution(Guid.NewGuid(), "NL", RegimeIds.Bilateral, "DE", new BilateralParameters(50m),
            null, null, [], [new RealisedAssetProceeds(AssetId, Eur(1_000m), Eur(0m))], T0), OpenCase());
        return Assert.IsType<DistributionComputed>(Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));
    }

    private static Dictionary<Type, object> Samples(IEnumerable<object> events) => events.ToDictionary(e => e.GetType());

    private static Dictionary<Type, object> CaseEvents()
    {
        var computed = Computed();
        return Samples(
        [
            Opened,
            new AssetAddedToCase(Guid.NewGuid(), AssetKind.Vehicle),
            new CaseClosed("done", T0),
            new ParticipatingAgencyAdded("BE-PJF"),
            new VictimClaimRegistered(Guid.NewGuid(), "V-1", Eur(10m), "basis", null),
            computed,
            new AllocationSettled(computed.DistributionId, computed.Allocations[0].AllocationId, Eur(1m), D0, "B-1"),
        ]);
    }

    private static Dictionary<Type, object> AssetEvents() => Samples(
    [
        new AssetRegistered(AssetId, CaseId, AssetKind.Cash, null, new Dictionary<string, string>(), "NL", null, ["NL-FIOD"]),
        new AssetFrozen("RO-1", T0, null, null),
        new AssetSeized("Custodian", "Vault", T0, null),
        new CustodyTransferred("Custodian B", "Vault 2", T0, null),
        new AssetValued(Eur(1m), ValuationMethod.Market, "Valuer", D0, null),
        new RestraintOrderRecorded(Order(OrderType.Restraint)),
        new ConfiscationOrdered(Order(OrderType.Confiscation), AssetStatus.Seized),
        new ReleaseOrderRecorded(Order(OrderType.Release)),
        new AppealLodged(OrderId, D0),
        new AppealDismissed(OrderId, D0),
        new AppealAllowed(OrderId, D0, AssetStatus.Seized),
        new ConfiscationOrderFinal(OrderId, D0),
        new AssetRealised(OrderId, Eur(10m), Eur(1m), Eur(0m), RealisationMethod.Sale, D0),
        new AssetReleased(ReleaseReason.Other, D0, null),
        new AssetAccessGranted("BE-PJF"),
        new AssetDisposed(DisposalMethod.Destroyed, D0, null),
    ]);

    private static Dictionary<Type, object> OrderEvents() => Samples(
    [
        new OrderRegistered(Order(OrderType.Confiscation), CaseId),
        new OrderAppliedToAsset(AssetId),
        new ProceedsCountedAgainstOrder(AssetId, Eur(10m)),
    ]);

    // ---- case stream ---------------------------------------------------------------------------------------

    [Fact]
    public void the_case_fold_folds_every_case_event()
    {
        var samples = CaseEvents();
        Assert.Equal(EventTypesOf<ICaseEvent>(), samples.Keys.OrderBy(t => t.Name, StringComparer.Ordinal));
        foreach (var e in samples.Values)
            Assert.Equal(3, Case.Evolve(e is CaseOpened ? null : OpenCase(), e, 3).Version);
    }

    [Fact]
    public void the_case_fold_throws_on_an_event_it_does_not_know()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => Case.Evolve(OpenCase(), new NotAnEvent(), 3));
        Assert.Equal("NotAnEvent is not an event of a case stream.", unknown.Message);
        var ofAnAsset = Assert.Throws<InvalidOperationException>(() => Case.Evolve(OpenCase(), new AssetAccessGranted("BE-PJF"), 3));
        Assert.Equal("AssetAccessGranted is not an event of a case stream.", ofAnAsset.Message);
    }

    // ---- case balances (case stream) -----------------------------------------------------------------------

    [Fact]
    public void the_balances_fold_folds_every_case_event()
    {
        var samples = CaseEvents();
        Assert.Equal(EventTypesOf<ICaseEvent>(), samples.Keys.OrderBy(t => t.Name, StringComparer.Ordinal));
        var balances = CaseBalances.Evolve(null, CaseId, samples[typeof(DistributionComputed)]);
        Assert.NotNull(balances);
        foreach (var e in samples.Values)
        {
            CaseBalances.Evolve(null, CaseId, e);
            CaseBalances.Evolve(balances, CaseId, e);
        }
    }

    [Fact]
    public void the_balances_fold_throws_on_an_event_it_does_not_know()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => CaseBalances.Evolve(null, CaseId, new NotAnEvent()));
        Assert.Equal("NotAnEvent is not an event of a case stream.", unknown.Message);
        Assert.Throws<InvalidOperationException>(() => CaseBalances.Evolve(null, CaseId, new OrderAppliedToAsset(AssetId)));
    }

    // ---- case listing (case stream) ------------------------------------------------------------------------

    [Fact]
    public void the_listing_fold_keeps_what_the_case_list_filters_and_sorts_on()
    {
        var listed = CaseListing.Evolve(null, Opened, 1);
        Assert.Equal("nl-2026-0001\u001Foperation tide", listed.SearchText);
        Assert.Equal("|NL-FIOD|NL-OM|", listed.AgencyKey);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), listed.OpenedAtUnixMs);
        var joined = CaseListing.Evolve(listed, new ParticipatingAgencyAdded("BE-PJF"), 4);
        Assert.Equal(("|NL-FIOD|NL-OM|BE-PJF|", 4L), (joined.AgencyKey, joined.Version));
        Assert.Equal(CaseStatus.Closed, CaseListing.Evolve(joined, new CaseClosed("done", T0), 9).Status);
    }

    [Fact]
    public void the_listing_fold_takes_only_the_events_it_includes_and_throws_on_others()
    {
        var samples = CaseEvents();
        var listed = CaseListing.Evolve(null, Opened, 1);
        foreach (var e in samples.Values.Where(e => e is not CaseOpened))
        {
            if (CaseListing.Includes(e)) Assert.Equal(2, CaseListing.Evolve(listed, e, 2).Version);
            else Assert.Throws<InvalidOperationException>(() => CaseListing.Evolve(listed, e, 2));
        }
        Assert.Equal(3, samples.Values.Count(CaseListing.Includes));
    }

    // ---- asset stream --------------------------------------------------------------------------------------

    [Fact]
    public void the_asset_fold_folds_every_asset_event()
    {
        var samples = AssetEvents();
        Assert.Equal(EventTypesOf<IAssetEvent>(), samples.Keys.OrderBy(t => t.Name, StringComparer.Ordinal));
        var registered = Asset.Evolve(null, samples[typeof(AssetRegistered)], 1, T0);
        var later = T0.Plus(Duration.FromHours(1));
        foreach (var e in samples.Values)
        {
            var folded = Asset.Evolve(e is AssetRegistered ? null : registered, e, 2, later);
            Assert.True((2L, later) == (folded.Version, folded.UpdatedAt), $"{e.GetType().Name} gives version {folded.Version} at {folded.UpdatedAt}");
        }
    }

    [Fact]
    public void the_asset_fold_throws_on_an_event_it_does_not_know()
    {
        var registered = Asset.Evolve(null, AssetEvents()[typeof(AssetRegistered)], 1, T0);
        var unknown = Assert.Throws<InvalidOperationException>(() => Asset.Evolve(registered, new NotAnEvent(), 2, T0));
        Assert.Equal("NotAnEvent is not an event of an asset stream.", unknown.Message);
        var ofACase = Assert.Throws<InvalidOperationException>(() => Asset.Evolve(registered, new CaseClosed("done", T0), 2, T0));
        Assert.Equal("CaseClosed is not an event of an asset stream.", ofACase.Message);
    }

    // ---- court order stream --------------------------------------------------------------------------------

    [Fact]
    public void the_order_fold_folds_every_order_event()
    {
        var samples = OrderEvents();
        Assert.Equal(EventTypesOf<IOrderEvent>(), samples.Keys.OrderBy(t => t.Name, StringComparer.Ordinal));
        var registered = CourtOrderLedger.Evolve(null, samples[typeof(OrderRegistered)], 1);
        foreach (var e in samples.Values)
        {
            Assert.Equal(2, CourtOrderLedger.Evolve(registered, e, 2).Version);
            Assert.Equal(1, CourtOrderLedger.Evolve(null, e, 1).Version);
        }
    }

    [Fact]
    public void the_order_fold_throws_on_an_event_it_does_not_know()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => CourtOrderLedger.Evolve(null, new NotAnEvent(), 1));
        Assert.Equal("NotAnEvent is not an event of a court order stream.", unknown.Message);
        var ofAnAsset = Assert.Throws<InvalidOperationException>(() => CourtOrderLedger.Evolve(null, new AssetAccessGranted("BE-PJF"), 1));
        Assert.Equal("AssetAccessGranted is not an event of a court order stream.", ofAnAsset.Message);
    }

    // ---- certificate stream --------------------------------------------------------------------------------

    private static Dictionary<Type, object> CertificateEvents()
    {
        var details = Tests.Certificates.CertificateTestData.Details();
        return Samples(
        [
            new CertificateIssued(AssetId, CertificateKind.Confiscation, details, T0),
            new CertificateReceived(AssetId, CertificateKind.Confiscation, details, T0),
            new CertificateTransmitted("DE", T0),
            new ReceiptConfirmed(T0),
            new IssuingAuthorityConsulted("subject", "outcome", T0),
            new CertificateRecognised(T0),
            new CertificatePartlyRefused(["art19-1-f"], "reason", Eur(5m), T0),
            new CertificateRefused(["art19-1-a"], "reason", T0),
            new ExecutionPostponed(["art21-1-a"], "reason", CertificateStatus.Received, T0),
            new CertificateExecuted(Eur(10m), null, T0),
            new ExecutionImpossible(["art22-3-b"], "reason", T0),
            new CertificateWithdrawn("reason", T0),
            new RemainingAmountNotified(Eur(7m), T0),
            new CertificateDeadlineMissed(DeadlineKind.Recognition, T0, T0),
            new ProceedsShared(Guid.Empty, Guid.Empty, Eur(7m), "eu-2018-1805", "half", T0),
            new CostSharingProposed(Guid.Empty, Eur(9m), Eur(3m), "experts", T0),
            new CostSharingDecided(Guid.Empty, CostDecision.Agreed, Eur(2m), "half of it", T0),
            new ShareSettled(Guid.Empty, Guid.Empty, Eur(7m), new LocalDate(2026, 7, 1), "TRX", T0),
        ]);
    }

    [Fact]
    public void the_certificate_fold_folds_every_certificate_event()
    {
        var samples = CertificateEvents();
        Assert.Equal(EventTypesOf<ICertificateEvent>(), samples.Keys.OrderBy(t => t.Name, StringComparer.Ordinal));
        var received = Certificate.Evolve(null, samples[typeof(CertificateReceived)], 1, T0);
        foreach (var e in samples.Values)
            Assert.Equal(2, Certificate.Evolve(e is CertificateIssued or CertificateReceived ? null : received, e, 2, T0).Version);
    }

    [Fact]
    public void the_certificate_fold_throws_on_an_event_it_does_not_know()
    {
        var received = Certificate.Evolve(null, CertificateEvents()[typeof(CertificateReceived)], 1, T0);
        var unknown = Assert.Throws<InvalidOperationException>(() => Certificate.Evolve(received, new NotAnEvent(), 2, T0));
        Assert.Equal("NotAnEvent is not an event of a certificate stream.", unknown.Message);
        Assert.Throws<InvalidOperationException>(() => Certificate.Evolve(null, new CertificateRecognised(T0), 1, T0));
    }
}
