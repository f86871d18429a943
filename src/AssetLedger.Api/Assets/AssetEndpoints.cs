using AssetLedger.Api.Cases;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Core.Identifiers;
using Marten;
using Wolverine;

namespace AssetLedger.Api.Assets;

public static class AssetEndpoints
{
    public static void MapAssetEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/cases/{caseId}/assets", AddAsync).WithName("AddAsset").WithTags("Assets");
        api.MapGet("/assets/{assetId}", GetAsync).WithName("GetAsset").WithTags("Assets");
        api.MapGet("/assets/{assetId}/history", HistoryAsync).WithName("GetAssetHistory").WithTags("Assets");
        foreach (var command in AssetCommandParsers.All)
            api.MapPost($"/assets/{{assetId}}/{command.Name}",
                    (HttpContext http, string assetId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
                        ExecuteAsync(http, assetId, command, bus, store, ct))
                .WithName("Asset_" + command.Name).WithTags("Assets");
    }

    private static Task<IResult> ExecuteAsync(HttpContext http, string assetIdText, AssetCommandRoute route, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(assetIdText, out var assetId)) return Problems.NotFound($"No asset {assetIdText}.");
            var errors = Prepare(body, route, assetId, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
            {
                await using var session = store.QuerySession(caller.Jurisdiction);
                return await AssetQueries.VisibleAsync(session, caller, assetId, ct) is not null
                    ? Problems.Validation(errors) : Problems.NotFound($"No asset {assetId}.");
            }
            var outcome = await bus.InvokeAsync<Outcome>(message!, ct);
            return outcome.ToResult(http);
        });

    /// <summary>Parses an asset command's body into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, AssetCommandRoute route, Guid assetId, Caller caller, string role, string correlationId, out ExecuteAssetCommand? message)
    {
        message = null;
        Guid? commandId = null;
        long? expectedVersion = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            expectedVersion = f.Long("expectedVersion");
            return route.Parse(f);
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/assets/{assetId}/{route.Name}", new { command = (object?)command, expectedVersion });
        var context = new CommandContext(caller, role, commandId!.Value, fingerprint, correlationId, expectedVersion);
        message = new ExecuteAssetCommand(context, assetId, command!);
        return null;
    }

    private static Task<IResult> AddAsync(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            var errors = PrepareAdd(body, id, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
                return await CaseQueries.VisibleAsync(store, caller, id, ct) ? Problems.Validation(errors) : Problems.NotFound($"No case {id}.");
            var outcome = await bus.InvokeAsync<Outcome>(message!, ct);
            return outcome.ToResult(http);
        });

    /// <summary>Parses a new asset into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareAdd(Body body, Guid caseId, Caller caller, string role, string correlationId, out AddAsset? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, ParseNewAsset, out var asset);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/assets", asset!);
        message = new AddAsset(new CommandContext(caller, role, asset!.AssetId, fingerprint, correlationId, null), caseId, asset);
        return null;
    }

    private static NewAsset? ParseNewAsset(Fields f)
    {
        var assetId = f.Id("assetId");
        var kind = f.Enum<AssetKind>("kind", true);
        var description = f.Text("description", false, Fields.LongText);
        var identifiers = f.StringMap("identifiers", 20);
        foreach (var (key, message) in AssetIdentifiers.Validate(identifiers)) f.Fail($"identifiers.{key}", message);
        var location = f.Country("location", true);
        var holder = f.Text("holder", false);
        return f.Ok ? new NewAsset(assetId!.Value, kind!.Value, description, identifiers, location!, holder) : null;
    }

    private static Task<IResult> GetAsync(HttpContext http, string assetId, string? asOf, IDocumentStore store, Npgsql.NpgsqlDataSource db,
        AssetStatusCache cache, JurisdictionCalendar calendar, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(assetId, out var id)) return Problems.NotFound($"No asset {assetId}.");
            var today = calendar.Today(caller.Jurisdiction);
            if (asOf is null)
                return await AssetQueries.StatusAsync(cache, db, store.Options.Serializer(), caller, id, today, ct);
            await using var session = store.QuerySession(caller.Jurisdiction);
            if (!TextRules.TryInstant(asOf, out var instant))
            {
                if (!(await AssetQueries.CurrentAsync(session, caller, id, today, ct) is Outcome.Done)) return Problems.NotFound($"No asset {id}.");
                return Problems.Validation(new Dictionary<string, string[]> { ["asOf"] = ["Must be a UTC ISO 8601 instant such as \"2026-03-14T16:00:00Z\"."] });
            }
            return (await AssetQueries.AsOfAsync(session, caller, id, instant, today, ct)).ToResult(http);
        });

    private static Task<IResult> HistoryAsync(HttpContext http, string assetId, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(assetId, out var id)) return Problems.NotFound($"No asset {assetId}.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            return await CaseQueries.AssetHistoryAsync(session, caller, id, ct) is { } history
                ? Results.Json(history, ApiJson.Options)
                : Problems.NotFound($"No asset {id}.");
        });
}
