using AssetLedger.Api.Cases;
using AssetLedger.Core.Identifiers;

namespace AssetLedger.Api.Assets.Registering;

public sealed record NewAsset(Guid AssetId, AssetKind Kind, string? Description, IReadOnlyDictionary<string, string> Identifiers, string Location, string? Holder);

public sealed record AddAssetRequest(CommandContext Context, Guid CaseId, NewAsset Asset);

/// <summary>
/// <c>POST /api/cases/{caseId}/assets</c>: an investigator registers an asset found in a case
/// (status identified). The case records it (<see cref="CaseDecider"/>: not on a closed case) and the
/// asset's own stream starts, carrying the case's agencies.
/// </summary>
public static class AddAssetHandler
{
    [ApiRoute("POST", "/cases/{caseId}/assets", Roles.Investigator)]
    private static Task<IResult> AddAsset(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        CaseCommandRunner.SendAsync<AddAssetRequest>(http, caseId, Prepare, bus, store, ct);

    /// <summary>Parses a new asset into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Guid caseId, ApiRequest request, out AddAssetRequest? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, Parse, out var asset, out var expectedVersion);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/assets", asset!, expectedVersion);
        message = new AddAssetRequest(request.Context(asset!.AssetId, fingerprint, expectedVersion), caseId, asset);
        return null;
    }

    private static NewAsset? Parse(Fields f)
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

    public static Task<Outcome> Handle(AddAssetRequest m, CommandExecutor executor, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var today = calendar.Today(m.Context.Caller.Jurisdiction);
        var a = m.Asset;
        AssetRegistered? registered = null;
        return executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/assets", m.CaseId)
        {
            StreamId = a.AssetId,
            Command = (_, _) => Task.FromResult<CaseCommand>(new AddAssetToCase(a.AssetId, a.Kind)),
            Answer = (scope, next) =>
            {
                registered = new AssetRegistered(a.AssetId, m.CaseId, a.Kind, a.Description, a.Identifiers, a.Location, a.Holder, next.Agencies.ToList());
                var state = Asset.Evolve(null, registered, 1, scope.Now);
                return Task.FromResult(new Outcome.Done(AssetResponse.From(state, today), 1, Created: true, Location: $"/api/assets/{a.AssetId}"));
            },
            Beyond = (_, _, _) => async (session, token) =>
            {
                // An id that names a stream already (an order's, a case's, a certificate's) is refused
                // here: starting the stream would fail at commit and be retried as if it were a race.
                if (await session.Events.FetchStreamStateAsync(a.AssetId, token) is not null)
                    return new Outcome.Conflict(Verdict.IdTakenReason(a.AssetId, "an asset"));
                session.Events.StartStream<Asset>(a.AssetId, registered!);
                return null;
            },
            Represent = async session => await AssetQueries.CurrentAsync(session, m.Context.Caller, a.AssetId, today, ct) is Outcome.Done d
                ? d with { Created = true, Location = $"/api/assets/{a.AssetId}" }
                : new Outcome.NotFound($"No asset {a.AssetId}."),
        }, ct);
    }
}
