using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using Marten;
using NodaTime;

namespace AssetLedger.Api.Assets;

/// <summary>Wolverine message: run one lifecycle command on one asset.</summary>
public sealed record ExecuteAssetCommand(CommandContext Context, Guid AssetId, AssetCommand Command);

public static class AssetCommandHandler
{
    public static Task<Outcome> Handle(ExecuteAssetCommand message, CommandExecutor executor, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var route = $"POST /api/assets/{message.AssetId}/{message.Command.Name}";
        var today = calendar.Today(message.Context.Caller.Jurisdiction);
        return executor.RunAsync(message.Context, route, message.AssetId,
            batch => batch.Events.FetchForWriting<Asset>(message.AssetId),
            (session, stream, now) => DecideAsync(session, stream, message, now, today, ct),
            session => AssetQueries.CurrentAsync(session, message.Context.Caller, message.AssetId, today, ct),
            ct,
            // The asset document carries its stream's chain head (see ChainStamper).
            headOf: stream => stream.Aggregate is { ChainHash: { } hash } asset
                ? new Audit.ChainHead { Id = asset.Id, Version = asset.Version, Hash = hash }
                : null,
            decideAlone: (stream, now) => DecideAlone(stream, message, now, today));
    }

    private static async Task<Outcome> DecideAsync(IDocumentSession session, JasperFx.Events.IEventStream<Asset> stream, ExecuteAssetCommand message,
        Instant now, LocalDate today, CancellationToken ct)
    {
        var decided = Decide(stream, message);
        if (decided is not { Asset: { } asset, Events: { } events }) return decided.Refusal!;
        if (await CountAgainstOrdersAsync(session, asset, events, ct) is { } refusal)
            return new Outcome.Conflict(refusal);
        return Append(stream, asset, events, now, today);
    }

    /// <summary>What every asset command checks on its own stream, then the pure decision: the events, or the refusal.</summary>
    private static (Asset? Asset, IReadOnlyList<object>? Events, Outcome? Refusal) Decide(JasperFx.Events.IEventStream<Asset> stream, ExecuteAssetCommand message)
    {
        if (stream.Aggregate is not { } asset || !message.Context.Caller.CanSee(asset.CaseAgencies))
            return (null, null, new Outcome.NotFound($"No asset {message.AssetId}."));
        if (message.Context.ExpectedVersion is { } expected && expected != asset.Version)
            return (null, null, new Outcome.Conflict($"The asset is at version {asset.Version}, not the expected {expected}."));
        return AssetDecider.Decide(message.Command, asset) switch
        {
            Decision.Accept accept => (asset, accept.Events, null),
            Decision.Refuse refuse => (null, null, new Outcome.Conflict(refuse.Reason)),
            var other => throw new InvalidOperationException($"Unknown decision {other.GetType().Name}."),
        };
    }

    /// <summary>
    /// The decision of a command committed with others (<see cref="CommandExecutor"/>'s group commit):
    /// an acceptance that appends to the asset's own stream only, or null when the command must run
    /// alone (a refusal, which may be a replay to answer from its record, or events counted against
    /// an order's stream).
    /// </summary>
    private static Outcome.Done? DecideAlone(JasperFx.Events.IEventStream<Asset> stream, ExecuteAssetCommand message, Instant now, LocalDate today) =>
        Decide(stream, message) is { Asset: { } asset, Events: { } events } && !events.Any(CountsAgainstAnOrder)
            ? Append(stream, asset, events, now, today)
            : null;

    private static Outcome.Done Append(JasperFx.Events.IEventStream<Asset> stream, Asset asset, IReadOnlyList<object> events, Instant now, LocalDate today)
    {
        stream.AppendMany(events);
        var next = asset;
        var version = asset.Version;
        foreach (var e in events) next = Asset.Evolve(next, e, ++version, now);
        return new Outcome.Done(AssetResponse.From(next, today), next.Version);
    }

    /// <summary>The events <see cref="CountAgainstOrdersAsync"/> takes to an order's stream (one case each below).</summary>
    private static bool CountsAgainstAnOrder(object e) => e is RestraintOrderRecorded or ConfiscationOrdered or ReleaseOrderRecorded or AssetRealised;

    /// <summary>
    /// The checks that span streams go through the order's own stream, whose version serialises
    /// them: an order recorded on several assets keeps the same details and case, and the proceeds
    /// realised under it never exceed its maximum amount.
    /// </summary>
    private static async Task<string?> CountAgainstOrdersAsync(IDocumentSession session, Asset asset, IReadOnlyList<object> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case RestraintOrderRecorded r: if (await ApplyOrderAsync(session, asset, r.Order, ct) is { } a) return a; break;
                case ConfiscationOrdered c: if (await ApplyOrderAsync(session, asset, c.Order, ct) is { } b) return b; break;
                case ReleaseOrderRecorded rel: if (await ApplyOrderAsync(session, asset, rel.Order, ct) is { } d) return d; break;
                case AssetRealised realised:
                    var ledger = await session.Events.FetchForWriting<CourtOrderLedger>(realised.OrderId, ct);
                    var state = ledger.Aggregate ?? new CourtOrderLedger { Order = asset.FindOrder(realised.OrderId)?.Order };
                    var kept = realised.Gross - realised.ReturnedToOwner;
                    if (state.RefuseProceeds(kept) is { } over) return over;
                    ledger.AppendOne(new ProceedsCountedAgainstOrder(asset.Id, kept));
                    break;
            }
        }
        return null;
    }

    private static async Task<string?> ApplyOrderAsync(IDocumentSession session, Asset asset, CourtOrder order, CancellationToken ct)
    {
        var ledger = await session.Events.FetchForWriting<CourtOrderLedger>(order.OrderId, ct);
        if (ledger.Aggregate is { Order: not null } existing)
        {
            if (existing.RefuseApplying(order, asset.CaseId) is { } refusal) return refusal;
            ledger.AppendOne(new OrderAppliedToAsset(asset.Id));
        }
        else
        {
            ledger.AppendMany(new OrderRegistered(order, asset.CaseId), new OrderAppliedToAsset(asset.Id));
        }
        return null;
    }
}
