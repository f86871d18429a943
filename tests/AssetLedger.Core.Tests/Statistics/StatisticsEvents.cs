using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Certificates;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using AssetLedger.Statistics;
using NodaTime;

namespace AssetLedger.Tests.Statistics;

/// <summary>Builds the recorded events of a jurisdiction, stream by stream, each recorded one minute after the previous one.</summary>
public sealed class StatisticsEvents
{
    public static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
    private readonly List<RecordedEvent> events = [];
    private readonly Dictionary<Guid, long> versions = [];
    public Instant Clock { get; set; } = Instant.FromUtc(2026, 1, 1, 8, 0);

    public IReadOnlyList<RecordedEvent> All => events;

    public static Money Eur(decimal amount) => new(amount, "EUR");
    public static Money Usd(decimal amount) => new(amount, "USD");

    public RecordedEvent Append(Guid stream, object data)
    {
        var version = versions[stream] = versions.GetValueOrDefault(stream) + 1;
        Clock += Duration.FromMinutes(1);
        var e = new RecordedEvent(stream, version, Clock, data);
        events.Add(e);
        return e;
    }

    public Guid Case(string reference, Offence[] offences, string agency = "FIOD")
    {
        var id = Guid.NewGuid();
        Append(id, new CaseOpened(id, reference, "Operation " + reference, offences, "NL", agency, [], Clock));
        return id;
    }

    public Guid Asset(Guid caseId, AssetKind kind)
    {
        var id = Guid.NewGuid();
        Append(id, new AssetRegistered(id, caseId, kind, null, new Dictionary<string, string>(), "NL", null, ["FIOD"]));
        Append(caseId, new AssetAddedToCase(id, kind));
        return id;
    }

    public static CourtOrder Order(Guid id, LocalDate issuedOn) => new(id, OrderType.Confiscation, "Rechtbank Amsterdam", "C-" + id.ToString("N")[..4], issuedOn, null, null, null, []);

    public RecordedEvent Freeze(Guid asset, Instant at, Money? amount = null, string reference = "R-1") => Append(asset, new AssetFrozen(reference, at, amount, null));
    public RecordedEvent Seize(Guid asset, Instant at) => Append(asset, new AssetSeized("ORD", "Depot", at, null));
    public RecordedEvent Value(Guid asset, Money value) => Append(asset, new AssetValued(value, ValuationMethod.Book, "Bank", new LocalDate(2026, 1, 1), null));
    public RecordedEvent OrderConfiscation(Guid asset, Guid order, LocalDate issuedOn) => Append(asset, new ConfiscationOrdered(Order(order, issuedOn), AssetStatus.Frozen));
    public RecordedEvent Final(Guid asset, Guid order, LocalDate finalOn) => Append(asset, new ConfiscationOrderFinal(order, finalOn));
    public RecordedEvent Realise(Guid asset, Guid order, Money gross, Money costs, Money returned, LocalDate on) =>
        Append(asset, new AssetRealised(order, gross, costs, returned, RealisationMethod.Sale, on));

    /// <summary>A distribution computed at <paramref name="at"/> with the given victim allocations (and a retained share).</summary>
    public RecordedEvent Distribute(Guid caseId, Instant at, params Money[] victims)
    {
        var currency = victims.Length > 0 ? victims[0].Currency : "EUR";
        var allocations = victims.Select((m, i) => new StoredAllocation(Guid.NewGuid(), new Allocation(AllocationKind.Victim, new Payee(PayeeType.Victim, "V-" + i), m, false, Guid.NewGuid(), m)))
            .Append(new StoredAllocation(Guid.NewGuid(), new Allocation(AllocationKind.Share, new Payee(PayeeType.Treasury, "NL"), new Money(100m, currency), true)))
            .ToList();
        var input = new DistributionInput("NL", RegimeIds.Domestic, null, [], null, [], null, []);
        var result = new DistributionResult(RegimeIds.Domestic, "test", "NL", null, new Money(0m, currency), new Money(0m, currency), [], allocations.Select(a => a.Allocation).ToList(), [], [], "half-up");
        return Append(caseId, new DistributionComputed(Guid.NewGuid(), input, result, allocations, at));
    }

    public static CertificateDetails Details(Guid? caseId = null) => new("NL", "DE", "OM Rotterdam", "RTM-1", new LocalDate(2026, 1, 2), null,
        Eur(1000m), Eur(1000m), [], [], false, false, ListedOffence.Fraud, null, null, caseId);

    public Guid Issued(CertificateKind kind, Instant at, Guid? caseId = null)
    {
        var id = Guid.NewGuid();
        Append(id, new CertificateIssued(id, kind, Details(caseId), at));
        return id;
    }

    public Guid Received(CertificateKind kind, Instant at)
    {
        var id = Guid.NewGuid();
        Append(id, new CertificateReceived(id, kind, Details() with { IssuingState = "DE", ExecutingState = "NL" }, at));
        return id;
    }

    public static StatisticsPeriod Year2026(Instant? asOf = null) =>
        new(new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31), asOf ?? Instant.FromUtc(2030, 1, 1, 0, 0), Amsterdam);

    public StatisticsReport Compute(StatisticsPeriod? period = null, Func<IReadOnlyList<string>, bool>? canSee = null) =>
        StatisticsFold.Compute(events, period ?? Year2026(), canSee ?? (_ => true));
}
