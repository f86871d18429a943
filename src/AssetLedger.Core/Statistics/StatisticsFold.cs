using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Certificates;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Statistics;

/// <summary>
/// The statutory statistics of one jurisdiction, computed from its events alone (no I/O): only events
/// recorded at or before the period's asOf count, each stream is folded in version order, and every
/// figure is derived from the sources it lists. The same events and period give the same report, in
/// the same order, every time.
/// </summary>
public static class StatisticsFold
{
    /// <summary>What the figures need of a case: its reference, offences and agencies (lead first), as of the asOf.</summary>
    public sealed record CaseFacts(Guid Id, string Reference, IReadOnlyList<Offence> Offences, IReadOnlyList<string> Agencies);

    /// <param name="canSeeCase">Whether the caller may see a case with these agencies (lead first); invisible cases add nothing.</param>
    public static StatisticsReport Compute(IEnumerable<RecordedEvent> events, StatisticsPeriod period, Func<IReadOnlyList<string>, bool> canSeeCase)
    {
        var streams = events.GroupBy(e => e.StreamId).Select(g => g.OrderBy(e => e.Version).ToList()).ToList();
        var accumulator = new Accumulator(period, canSeeCase, streams.Where(s => s[0].Data is ICaseEvent));
        foreach (var stream in streams) accumulator.Add(stream);
        return accumulator.Report();
    }

    /// <summary>
    /// The same computation fed one stream at a time, so that a reader never holds a jurisdiction's events
    /// at once: first the case streams (their opening and agencies are enough), then every stream, each
    /// in version order, then the report.
    /// </summary>
    public sealed class Accumulator
    {
        private readonly StatisticsPeriod period;
        private readonly Dictionary<Guid, CaseFacts> cases = new();
        private readonly Dictionary<Guid, CaseFacts> visible;
        private readonly List<FigureSource> sources = [];

        public Accumulator(StatisticsPeriod period, Func<IReadOnlyList<string>, bool> canSeeCase, IEnumerable<IReadOnlyList<RecordedEvent>> caseStreams)
        {
            this.period = period;
            foreach (var stream in caseStreams)
                if (Known(stream) is { Count: > 0 } known && FoldCase(known) is { } c) cases[c.Id] = c;
            visible = cases.Values.Where(c => canSeeCase(c.Agencies)).ToDictionary(c => c.Id);
        }

        /// <summary>Only the events recorded at or before the asOf count.</summary>
        private List<RecordedEvent> Known(IReadOnlyList<RecordedEvent> stream) => stream.Where(e => e.RecordedAt <= period.AsOf).ToList();

        /// <summary>One whole stream, in version order.</summary>
        public void Add(IReadOnlyList<RecordedEvent> events)
        {
            var stream = Known(events);
            if (stream.Count == 0) return;
            switch (stream[0].Data)
            {
                case ICaseEvent when stream[0].Data is CaseOpened o && visible.TryGetValue(o.CaseId, out var c):
                    sources.AddRange(CaseSources(stream, c, period));
                    break;
                case AssetRegistered r when visible.TryGetValue(r.CaseId, out var c):
                    sources.AddRange(AssetSources(stream, r, c, period));
                    break;
                case CertificateIssued or CertificateReceived:
                    var caseId = stream[0].Data is CertificateIssued i ? i.Details.CaseId : ((CertificateReceived)stream[0].Data).Details.CaseId;
                    // A certificate naming a case of ours the caller may not see is left out, as the case is.
                    if (caseId is { } id && cases.ContainsKey(id) && !visible.ContainsKey(id)) break;
                    sources.AddRange(CertificateSources(stream, caseId is { } v && visible.TryGetValue(v, out var vc) ? vc : null, period));
                    break;
            }
        }

        public StatisticsReport Report()
        {
            var byFigure = sources.ToLookup(s => s.Figure, StringComparer.Ordinal);
            return new StatisticsReport(period, Figures.All.Select(def => Result(def, byFigure[def.Id])).ToList());
        }
    }

    private static FigureResult Result(FigureDefinition def, IEnumerable<FigureSource> sources)
    {
        var ordered = sources
            .OrderBy(s => s.Date)
            .ThenBy(s => s.CaseReference ?? "", StringComparer.Ordinal)
            .ThenBy(s => s.StreamId)
            .ThenBy(s => s.Version)
            .ThenBy(s => s.Item, StringComparer.Ordinal)
            .ToList();
        var breakdown = ordered
            .SelectMany(s => s.Groups().Select(g => (g.Dimension, g.Group, Source: s)))
            .GroupBy(x => (x.Dimension, x.Group))
            .OrderBy(g => DimensionOrder(g.Key.Dimension)).ThenBy(g => g.Key.Group, StringComparer.Ordinal)
            .Select(g => new GroupValue(g.Key.Dimension, g.Key.Group, FigureValue.Of(def.Unit, g.Select(x => x.Source).ToList())))
            .ToList();
        return new FigureResult(def, FigureValue.Of(def.Unit, ordered), breakdown, ordered);
    }

    private static int DimensionOrder(string dimension) => dimension switch
    {
        Breakdowns.AssetKind => 0,
        Breakdowns.Offence => 1,
        _ => 2,
    };

    private static CaseFacts? FoldCase(IReadOnlyList<RecordedEvent> stream)
    {
        if (stream[0].Data is not CaseOpened opened) return null;
        var agencies = new List<string> { opened.LeadAgency };
        agencies.AddRange(opened.ParticipatingAgencies);
        agencies.AddRange(stream.Select(e => e.Data).OfType<ParticipatingAgencyAdded>().Select(a => a.Agency));
        return new CaseFacts(opened.CaseId, opened.Reference, opened.Offences, agencies);
    }

    private static IEnumerable<FigureSource> CaseSources(IReadOnlyList<RecordedEvent> stream, CaseFacts c, StatisticsPeriod period)
    {
        foreach (var e in stream)
        {
            if (e.Data is not DistributionComputed d) continue;
            var date = period.DateOf(d.ComputedAt);
            if (!period.Contains(date)) continue;
            var victims = d.Allocations.Where(a => a.Allocation.Kind == AllocationKind.Victim && a.Allocation.Amount.Amount > 0).ToList();
            if (victims.Count == 0) continue;
            yield return Source(Figures.CasesPayingVictims, c, null, null, e, date, c.Id.ToString());
            foreach (var a in victims)
                yield return Source(Figures.PaidToVictims, c, null, null, e, date, a.AllocationId.ToString(), a.Allocation.Amount);
        }
    }

    private static IEnumerable<FigureSource> AssetSources(IReadOnlyList<RecordedEvent> stream, AssetRegistered asset, CaseFacts c, StatisticsPeriod period)
    {
        Money? latestValuation = null;
        LocalDate? firstRestraint = null;
        var item = asset.AssetId.ToString();
        foreach (var e in stream)
        {
            switch (e.Data)
            {
                case AssetValued v:
                    latestValuation = v.Value;
                    break;
                case AssetFrozen f:
                {
                    var date = period.DateOf(f.FrozenAt);
                    firstRestraint = Earliest(firstRestraint, date);
                    if (!period.Contains(date)) break;
                    yield return Source(Figures.AssetsFrozen, c, asset, null, e, date, item);
                    yield return Source(Figures.FreezingOrders, c, asset, null, e, date, "order:" + f.OrderReference);
                    if ((f.Amount ?? latestValuation) is { } estimate) yield return Source(Figures.ValueFrozen, c, asset, null, e, date, item, estimate);
                    else yield return Source(Figures.FrozenWithoutEstimate, c, asset, null, e, date, item);
                    break;
                }
                case AssetSeized s:
                    firstRestraint = Earliest(firstRestraint, period.DateOf(s.SeizedAt));
                    break;
                case ConfiscationOrdered o when period.Contains(o.Order.IssuedOn):
                    yield return Source(Figures.ConfiscationOrders, c, asset, null, e, o.Order.IssuedOn, o.Order.OrderId.ToString());
                    yield return Source(Figures.AssetsConfiscationOrdered, c, asset, null, e, o.Order.IssuedOn, item);
                    break;
                case ConfiscationOrderFinal f when period.Contains(f.FinalOn):
                    yield return Source(Figures.ConfiscationOrdersFinal, c, asset, null, e, f.FinalOn, f.OrderId.ToString());
                    yield return Source(Figures.AssetsConfiscated, c, asset, null, e, f.FinalOn, item);
                    if (latestValuation is { } value) yield return Source(Figures.ValueConfiscated, c, asset, null, e, f.FinalOn, item, value);
                    else yield return Source(Figures.ConfiscatedWithoutEstimate, c, asset, null, e, f.FinalOn, item);
                    break;
                case AssetRealised r when period.Contains(r.RealisedOn):
                    var on = r.RealisedOn;
                    yield return Source(Figures.AssetsRealised, c, asset, null, e, on, item);
                    yield return Source(Figures.RealisedGross, c, asset, null, e, on, item, r.Gross);
                    yield return Source(Figures.RealisedCosts, c, asset, null, e, on, item, r.Costs);
                    yield return Source(Figures.RealisedReturned, c, asset, null, e, on, item, r.ReturnedToOwner);
                    yield return Source(Figures.RealisedKept, c, asset, null, e, on, item, r.Gross - r.ReturnedToOwner);
                    if (firstRestraint is { } start)
                        yield return Source(Figures.DaysToRealisation, c, asset, null, e, on, item, days: Period.Between(start, on, PeriodUnits.Days).Days);
                    break;
            }
        }
    }

    private static IEnumerable<FigureSource> CertificateSources(IReadOnlyList<RecordedEvent> stream, CaseFacts? c, StatisticsPeriod period)
    {
        var (id, kind, outgoing) = stream[0].Data switch
        {
            CertificateIssued i => (i.CertificateId, i.Kind, true),
            CertificateReceived r => (r.CertificateId, r.Kind, false),
            _ => throw new InvalidOperationException("Not a certificate stream."),
        };
        LocalDate? received = null;
        foreach (var e in stream)
        {
            var (step, at) = e.Data switch
            {
                CertificateIssued i => (Figures.Issued, i.IssuedAt),
                CertificateReceived r => (Figures.Received, r.ReceivedAt),
                CertificateRecognised r => (Figures.Recognised, r.DecidedAt),
                CertificatePartlyRefused p => (Figures.PartlyRefused, p.DecidedAt),
                CertificateRefused r => (Figures.Refused, r.DecidedAt),
                CertificateExecuted x => (Figures.Executed, x.ExecutedAt),
                _ => ((string?)null, default(Instant)),
            };
            if (step is null) continue;
            var date = period.DateOf(at);
            if (step == Figures.Received) received = date;
            if (!period.Contains(date)) continue;
            yield return Certificate(Figures.Certificate(outgoing, step), c, id, kind, e, date);
            if (!outgoing && step == Figures.Executed && received is { } from)
                yield return Certificate(Figures.ExecutionDays, c, id, kind, e, date, Period.Between(from, date, PeriodUnits.Days).Days);
        }
    }

    private static LocalDate Earliest(LocalDate? a, LocalDate b) => a is { } x && x < b ? x : b;

    private static FigureSource Source(string figure, CaseFacts c, AssetRegistered? asset, Guid? certificateId, RecordedEvent e, LocalDate date,
        string item, Money? amount = null, int? days = null) =>
        new(figure, c.Id, c.Reference, asset?.AssetId, certificateId, e.StreamId, e.Version, date, item, amount, days, asset?.Kind, c.Offences, null);

    private static FigureSource Certificate(string figure, CaseFacts? c, Guid id, CertificateKind kind, RecordedEvent e, LocalDate date, int? days = null) =>
        new(figure, c?.Id, c?.Reference, null, id, e.StreamId, e.Version, date, id.ToString(), null, days, null, [], kind);
}
