using System.Reflection;
using AssetLedger.Api.Audit;
using NodaTime;

namespace AssetLedger.Api.Assets;

/// <summary>
/// Declares an asset command slice: its route segment (<c>POST /api/assets/{assetId}/{name}</c>), the
/// title of its web form, its place among the forms, and the roles that may send it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AssetCommandAttribute(string name, string title, int order, params string[] roles)
    : ApiRouteAttribute("POST", $"/assets/{{assetId}}/{name}", roles)
{
    public string Name { get; } = name;
    public string Title { get; } = title;
    public int Order { get; } = order;
}

/// <summary>An asset command slice: its body parser. The decision is the core's <see cref="AssetDecider"/>.</summary>
public interface IAssetCommandSlice
{
    /// <summary>The command from the body's fields (null when a field is invalid; the errors are in <paramref name="f"/>).</summary>
    AssetCommand? Parse(Fields f);
}

public sealed record AssetCommandSlice(AssetCommandAttribute Route, IAssetCommandSlice Parser)
{
    public string Name => Route.Name;
}

/// <summary>Wolverine message: run one lifecycle command on one asset.</summary>
public sealed record ExecuteAssetCommand(CommandContext Context, Guid AssetId, AssetCommand Command);

/// <summary>
/// What every asset command shares: the route, the parse into its message (one path for the API and
/// the web forms), the handler that asks the lifecycle decider, and the checks across streams that
/// some events need (the order's stream).
/// </summary>
public static class AssetCommandSlices
{
    private static readonly Lazy<IReadOnlyList<AssetCommandSlice>> all = new(() =>
        typeof(AssetCommandSlices).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<AssetCommandAttribute>() is not null)
            .Select(t => new AssetCommandSlice(t.GetCustomAttribute<AssetCommandAttribute>()!,
                (IAssetCommandSlice)(Activator.CreateInstance(t) ?? throw new InvalidOperationException(t.Name))))
            .OrderBy(s => s.Route.Order)
            .ToList());

    /// <summary>Every asset command slice, in the order of the lifecycle (the web page's order).</summary>
    public static IReadOnlyList<AssetCommandSlice> All => all.Value;

    public static AssetCommandSlice? Find(string? name) => All.FirstOrDefault(s => s.Name == name);

    internal static void Map(RouteGroupBuilder api)
    {
        foreach (var slice in All)
            api.MapPost(slice.Route.Pattern,
                    (HttpContext http, string assetId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
                        ExecuteAsync(http, assetId, slice, bus, store, ct))
                .WithMetadata(slice.Route)
                .WithName("Asset_" + slice.Name).WithTags("Assets");
    }

    private static async Task<IResult> ExecuteAsync(HttpContext http, string assetIdText, AssetCommandSlice slice, IMessageBus bus, IDocumentStore store, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        if (!Guid.TryParse(assetIdText, out var assetId)) return Problems.NotFound($"No asset {assetIdText}.");
        var errors = Prepare(request.CommandBody, slice, assetId, request, out var message);
        if (errors is not null)
        {
            await using var session = store.QuerySession(request.Caller.Jurisdiction);
            return await AssetQueries.VisibleAsync(session, request.Caller, assetId, ct) is not null
                ? Problems.Validation(errors) : Problems.NotFound($"No asset {assetId}.");
        }
        return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
    }

    /// <summary>Parses an asset command's body into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, AssetCommandSlice slice, Guid assetId, ApiRequest request, out ExecuteAssetCommand? message)
    {
        message = null;
        Guid? commandId = null;
        long? expectedVersion = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            expectedVersion = f.Long("expectedVersion");
            return slice.Parser.Parse(f);
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/assets/{assetId}/{slice.Name}", new { command = (object?)command, expectedVersion });
        message = new ExecuteAssetCommand(request.Context(commandId!.Value, fingerprint, expectedVersion), assetId, command!);
        return null;
    }
}

public static class AssetCommandHandler
{
    public static Task<Outcome> Handle(ExecuteAssetCommand message, CommandExecutor executor, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var today = calendar.Today(message.Context.Caller.Jurisdiction);
        return executor.RunAsync(new StreamCommand<Asset>(message.Context, $"POST /api/assets/{message.AssetId}/{message.Command.Name}", message.AssetId)
        {
            Fetch = batch => batch.Events.FetchForWriting<Asset>(message.AssetId),
            Decide = scope => Task.FromResult(Decide(scope.Stream.Aggregate, message, scope.Now, today)),
            Represent = session => AssetQueries.CurrentAsync(session, message.Context.Caller, message.AssetId, today, ct),
            // The asset document carries its stream's chain head (see ChainStamper).
            HeadOf = asset => asset.ChainHash is { } hash ? new ChainHead { Id = asset.Id, Version = asset.Version, Hash = hash } : null,
            Groupable = true,
            FromAssetDocument = true,
        }, ct);
    }

    /// <summary>What every asset command checks on its own stream, then the pure decision, folded once into the answer.</summary>
    private static Verdict Decide(Asset? asset, ExecuteAssetCommand message, Instant now, LocalDate today)
    {
        if (asset is null || !message.Context.Caller.CanSee(asset.CaseAgencies))
            return Verdict.NotFound($"No asset {message.AssetId}.");
        if (Verdict.Stale(message.Context, "asset", asset.Version) is { } stale) return stale;
        switch (AssetDecider.Decide(message.Command, asset))
        {
            case Decision.Accept { Events: var events }:
                var next = asset;
                var version = asset.Version;
                foreach (var e in events) next = Asset.Evolve(next, e, ++version, now);
                return new Verdict.Accept(events, new Outcome.Done(AssetResponse.From(next, today), next.Version))
                {
                    Beyond = events.Any(CountsAgainstAnOrder) ? (session, ct) => CountAgainstOrdersAsync(session, asset, events, ct) : null,
                };
            case Decision.Refuse refuse:
                return Verdict.Conflict(refuse.Reason);
            case var other:
                throw new InvalidOperationException($"Unknown decision {other.GetType().Name}.");
        }
    }

    /// <summary>The events <see cref="CountAgainstOrdersAsync"/> takes to an order's stream (one case each below).</summary>
    private static bool CountsAgainstAnOrder(object e) => e is RestraintOrderRecorded or ConfiscationOrdered or ReleaseOrderRecorded or AssetRealised;

    /// <summary>
    /// The checks that span streams go through the order's own stream, whose version serialises
    /// them: an order recorded on several assets keeps the same details and case, and the proceeds
    /// realised under it never exceed its maximum amount.
    /// </summary>
    private static async Task<Outcome?> CountAgainstOrdersAsync(IDocumentSession session, Asset asset, IReadOnlyList<object> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var refusal = e switch
            {
                RestraintOrderRecorded r => await ApplyOrderAsync(session, asset, r.Order, ct),
                ConfiscationOrdered c => await ApplyOrderAsync(session, asset, c.Order, ct),
                ReleaseOrderRecorded rel => await ApplyOrderAsync(session, asset, rel.Order, ct),
                AssetRealised realised => await CountProceedsAsync(session, asset, realised, ct),
                _ => null,
            };
            if (refusal is not null) return new Outcome.Conflict(refusal);
        }
        return null;
    }

    private static async Task<string?> CountProceedsAsync(IDocumentSession session, Asset asset, AssetRealised realised, CancellationToken ct)
    {
        var ledger = await session.Events.FetchForWriting<CourtOrderLedger>(realised.OrderId, ct);
        // An order's stream is named by the client's orderId: order events in another resource's stream would make it unreadable.
        if (Verdict.IdTakenReason(ledger, "an order") is { } taken) return taken;
        var state = ledger.Aggregate ?? new CourtOrderLedger { Order = asset.FindOrder(realised.OrderId)?.Order };
        var kept = realised.Gross - realised.ReturnedToOwner;
        if (state.RefuseProceeds(kept) is { } over) return over;
        ledger.AppendOne(new ProceedsCountedAgainstOrder(asset.Id, kept));
        return null;
    }

    private static async Task<string?> ApplyOrderAsync(IDocumentSession session, Asset asset, CourtOrder order, CancellationToken ct)
    {
        var ledger = await session.Events.FetchForWriting<CourtOrderLedger>(order.OrderId, ct);
        if (Verdict.IdTakenReason(ledger, "an order") is { } taken) return taken;
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
