using AssetLedger.Assets;
using AssetLedger.Cases;
using NodaTime;

namespace AssetLedger.Import;

/// <summary>An event an import appends, with the register row it comes from.</summary>
public sealed record PlannedEvent(object Data, int Row);

public enum PlannedStreamKind { Case, Asset, Order }

/// <summary>A stream an import starts, with its events in order.</summary>
public sealed record PlannedStream(Guid Id, PlannedStreamKind Kind, IReadOnlyList<PlannedEvent> Events);

/// <summary>What one case of a register becomes: its streams (the case's first), and the rows behind them.</summary>
public sealed record CasePlan(Guid CaseId, LegacyCase Case, IReadOnlyList<PlannedStream> Streams, IReadOnlyList<int> Rows);

/// <summary>
/// Turns the rows of one case of a legacy register into the events the API would have recorded, as a
/// pure function: the case is opened (<see cref="CaseOpened"/>), each asset is registered through the
/// case's own rule (<see cref="CaseDecider"/>), and each step of its history goes through the lifecycle
/// decider (<see cref="AssetDecider"/>) and, for an order, the rules of the order's stream
/// (<see cref="CourtOrderLedger"/>: one case per order, its cap). A row whose history the deciders
/// refuse, or that ends in another status than the register says, is rejected whole: nothing of it is
/// planned, and the other rows of the case go on.
/// </summary>
public static class LegacyImportPlanner
{
    public static CasePlan? Plan(string jurisdiction, DateTimeZone zone, IReadOnlyList<LegacyRow> rows, List<RowError> rejected)
    {
        if (rows.Count == 0) return null;
        var first = rows[0];
        var caseId = LegacyIds.Case(jurisdiction, first.Case.Reference);
        var c = first.Case;
        var opened = new CaseOpened(caseId, c.Reference, c.Title, c.Offences, jurisdiction, c.LeadAgency, c.ParticipatingAgencies,
            c.OpenedOn.AtStartOfDayInZone(zone).ToInstant());
        var state = Case.Evolve(null, opened, 1);

        var caseEvents = new List<PlannedEvent>();
        var assets = new List<PlannedStream>();
        var orders = new Dictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var accepted = new List<int>();

        foreach (var row in rows)
        {
            if (row.Case.DifferingColumn(c) is { } column)
            {
                rejected.Add(new RowError(row.Number, column, $"Differs from row {first.Number}, which opens case '{c.Reference}'."));
                continue;
            }
            if (seen.TryGetValue(row.AssetRef, out var earlier))
            {
                rejected.Add(new RowError(row.Number, LegacyRegister.AssetRef, $"Asset '{row.AssetRef}' is already row {earlier} of case '{c.Reference}'."));
                continue;
            }
            var assetId = LegacyIds.Asset(jurisdiction, c.Reference, row.AssetRef);
            if (CaseDecider.Decide(new AddAssetToCase(assetId, row.Kind), state) is not Decision.Accept { Events: var added })
                throw new InvalidOperationException($"An open case refused asset {assetId}.");

            var planned = PlanAsset(row, assetId, caseId, state, orders, out var error);
            if (error is not null)
            {
                rejected.Add(error);
                continue;
            }
            seen[row.AssetRef] = row.Number;
            accepted.Add(row.Number);
            var version = state.Version;
            foreach (var e in added) state = Case.Evolve(state, e, ++version);
            caseEvents.AddRange(added.Select(e => new PlannedEvent(e, row.Number)));
            assets.Add(planned!.Value.Asset);
            foreach (var (id, order) in planned.Value.Orders) orders[id] = order;
        }

        if (accepted.Count == 0) return null;
        caseEvents.Insert(0, new PlannedEvent(opened, accepted[0]));
        var streams = new List<PlannedStream> { new(caseId, PlannedStreamKind.Case, caseEvents) };
        streams.AddRange(assets);
        streams.AddRange(orders.Select(o => new PlannedStream(o.Key, PlannedStreamKind.Order, o.Value.Events)));
        return new CasePlan(caseId, c, streams, accepted);
    }

    /// <summary>
    /// One row's asset stream and what it adds to the orders' streams, or the reason it is refused. The
    /// orders it touches are copied, so a refused row leaves the case's orders as they were.
    /// </summary>
    private static (PlannedStream Asset, Dictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)> Orders)? PlanAsset(
        LegacyRow row, Guid assetId, Guid caseId, Case state,
        IReadOnlyDictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)> orders, out RowError? error)
    {
        error = null;
        var registered = new AssetRegistered(assetId, caseId, row.Kind, row.Description, row.Identifiers, row.Location, row.Holder, state.Agencies.ToList());
        // The fold's recording instant is not what the register says happened: it is the import's, set on the envelope.
        var asset = Asset.Evolve(null, registered, 1, Instant.MinValue);
        var events = new List<PlannedEvent> { new(registered, row.Number) };
        var touched = new Dictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)>();

        foreach (var step in row.Steps)
        {
            var decision = AssetDecider.Decide(step.Command, asset);
            if (decision is not Decision.Accept { Events: var decided })
            {
                error = new RowError(row.Number, step.Column, decision is Decision.Refuse r ? r.Reason : $"Refused ({decision.GetType().Name}).");
                return null;
            }
            foreach (var e in decided)
            {
                if (OrderRefusal(e, asset, caseId, row.Number, orders, touched) is { } refusal)
                {
                    error = new RowError(row.Number, step.Column, refusal);
                    return null;
                }
                asset = Asset.Evolve(asset, e, asset.Version + 1, Instant.MinValue);
                events.Add(new PlannedEvent(e, row.Number));
            }
        }
        if (asset.Status != row.Status)
        {
            error = new RowError(row.Number, LegacyRegister.Status,
                $"The dates given lead to status '{asset.Status.ToWire()}', not '{row.Status.ToWire()}'.");
            return null;
        }
        return (new PlannedStream(assetId, PlannedStreamKind.Asset, events), touched);
    }

    /// <summary>What an event takes to its order's stream, as the API's order checks do; a refusal, or null.</summary>
    private static string? OrderRefusal(object e, Asset asset, Guid caseId, int row,
        IReadOnlyDictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)> orders,
        Dictionary<Guid, (CourtOrderLedger Ledger, List<PlannedEvent> Events)> touched)
    {
        (CourtOrderLedger Ledger, List<PlannedEvent> Events) Current(Guid id) =>
            touched.TryGetValue(id, out var t) ? t
            : orders.TryGetValue(id, out var o) ? (o.Ledger, new List<PlannedEvent>(o.Events))
            : (new CourtOrderLedger(), new List<PlannedEvent>());

        void Append(Guid id, (CourtOrderLedger Ledger, List<PlannedEvent> Events) current, params object[] appended)
        {
            var ledger = current.Ledger;
            foreach (var a in appended)
            {
                ledger = CourtOrderLedger.Evolve(ledger, a, ledger.Version + 1);
                current.Events.Add(new PlannedEvent(a, row));
            }
            touched[id] = (ledger, current.Events);
        }

        switch (e)
        {
            case ConfiscationOrdered { Order: var order }:
            {
                var current = Current(order.OrderId);
                if (current.Ledger.Order is null) Append(order.OrderId, current, new OrderRegistered(order, caseId), new OrderAppliedToAsset(asset.Id));
                else if (current.Ledger.RefuseApplying(order, caseId) is { } refusal) return refusal;
                else Append(order.OrderId, current, new OrderAppliedToAsset(asset.Id));
                return null;
            }
            case AssetRealised realised:
            {
                var current = Current(realised.OrderId);
                var kept = realised.Gross - realised.ReturnedToOwner;
                if (current.Ledger.RefuseProceeds(kept) is { } over) return over;
                Append(realised.OrderId, current, new ProceedsCountedAgainstOrder(asset.Id, kept));
                return null;
            }
            default:
                return null;
        }
    }
}
