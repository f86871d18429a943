using System.Text.Json;
using AssetLedger.Api.Cases;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using Marten;
using Wolverine;

namespace AssetLedger.Api.Distribution;

public sealed record ComputeDistribution(
    CommandContext Context, Guid CaseId, Guid DistributionId, string Regime, string? Counterparty, RegimeParameters? Parameters,
    IReadOnlyList<Guid>? AssetIds, string? Currency, IReadOnlyList<FxRate> Fx);

public sealed record SettleAllocation(CommandContext Context, Guid CaseId, Guid DistributionId, Guid AllocationId, Money Amount, NodaTime.LocalDate SettledOn, string BankReference);

public static class DistributionEndpoints
{
    public static void MapDistributionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/cases/{caseId}/distributions", ComputeAsync).WithName("ComputeDistribution").WithTags("Distributions");
        api.MapGet("/cases/{caseId}/distributions/{distributionId}", GetAsync).WithName("GetDistribution").WithTags("Distributions");
        api.MapPost("/cases/{caseId}/distributions/{distributionId}/settlements", SettleAsync).WithName("SettleAllocation").WithTags("Distributions");
    }

    private static Task<IResult> ComputeAsync(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            var errors = PrepareCompute(body, id, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
                return await CaseQueries.VisibleAsync(store, caller, id, ct) ? Problems.Validation(errors) : Problems.NotFound($"No case {id}.");
            return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
        });

    /// <summary>Parses a distribution request into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareCompute(Body body, Guid caseId, Caller caller, string role, string correlationId, out ComputeDistribution? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, f => ParseDistribution(f, caseId), out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/distributions", command! with { Context = null! });
        message = command! with { Context = new CommandContext(caller, role, command.DistributionId, fingerprint, correlationId, null) };
        return null;
    }

    private static ComputeDistribution? ParseDistribution(Fields f, Guid caseId)
    {
        var distributionId = f.Id("distributionId");
        var regime = f.Text("regime", true, 32);
        if (regime is not null && !RegimeIds.All.Contains(regime))
            f.Fail("regime", $"Must be one of: {string.Join(", ", RegimeIds.All)}.");
        var counterparty = f.Country("counterparty", false);
        var parameters = regime is null ? null : ParseParameters(f, regime);
        var assetIds = f.Array<Guid?>("assetIds", false, 10_000, (e, name, parent) =>
        {
            if (e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out var g)) return g;
            parent.Fail(name, "Must be a UUID.");
            return null;
        });
        var explicitAssets = f.Has("assetIds");
        var currency = f.Text("currency", false, 3);
        if (currency is not null && !Currencies.TryGetMinorUnit(currency, out _))
            f.Fail("currency", $"'{currency}' is not an ISO 4217 currency with a minor unit.");
        var fx = f.Array<FxRate>("fx", false, 100, ParseRate);
        return f.Ok
            ? new ComputeDistribution(null!, caseId, distributionId!.Value, regime!, counterparty, parameters,
                explicitAssets ? assetIds.Select(a => a!.Value).Distinct().ToList() : null, currency, fx)
            : null;
    }

    private static FxRate? ParseRate(JsonElement e, string name, Fields parent)
    {
        if (e.ValueKind != JsonValueKind.Object) { parent.Fail(name, "Must be an object { base, quote, rate, source, asOf, purpose }."); return null; }
        var r = new Fields(e, name + ".");
        var @base = r.Text("base", true, 3);
        var quote = r.Text("quote", true, 3);
        foreach (var (field, code) in new[] { ("base", @base), ("quote", quote) })
            if (code is not null && !Currencies.TryGetMinorUnit(code, out _)) r.Fail(field, $"'{code}' is not an ISO 4217 currency with a minor unit.");
        var rate = r.Decimal("rate", true);
        if (rate is <= 0) r.Fail("rate", "Must be greater than zero.");
        var source = r.Text("source", true);
        var asOf = r.Date("asOf", true);
        var purpose = r.Enum<FxPurpose>("purpose", true);
        foreach (var (k, v) in r.Errors) parent.Fail(k, string.Join(" ", v));
        return r.Ok ? new FxRate(@base!, quote!, rate!.Value, source!, asOf!.Value, purpose!.Value) : null;
    }

    private static RegimeParameters? ParseParameters(Fields f, string regime)
    {
        var p = f.Nested("parameters");
        switch (regime)
        {
            case RegimeIds.Bilateral:
                if (p is null) { f.Fail("parameters.counterpartyPercent", "This field is required."); return null; }
                var percent = p.Decimal("counterpartyPercent", true);
                var deduct = p.Bool("deductCosts");
                f.Absorb(p);
                return percent is { } pc ? new BilateralParameters(pc, deduct ?? false) : null;
            case RegimeIds.Uncac57:
                var expenses = p?.Money("expenses", false);
                if (p is not null) f.Absorb(p);
                return new Uncac57Parameters(expenses);
            case RegimeIds.UsEquitable:
                if (p is null) { f.Fail("parameters.agencies", "This field is required."); return null; }
                var agencies = p.Array<AgencyContribution>("agencies", true, 50, (e, name, parent) =>
                {
                    if (e.ValueKind != JsonValueKind.Object) { parent.Fail(name, "Must be an object { agency, contributionPercent }."); return null; }
                    var a = new Fields(e, name + ".");
                    var agency = a.Text("agency", true, 64);
                    var pct = a.Decimal("contributionPercent", true);
                    foreach (var (k, v) in a.Errors) parent.Fail(k, string.Join(" ", v));
                    return a.Ok ? new AgencyContribution(agency!, pct!.Value) : null;
                });
                f.Absorb(p);
                return new UsEquitableParameters(agencies);
            case RegimeIds.UkAris:
                if (p is null) { f.Fail("parameters.investigatingAgency", "This field is required."); return null; }
                var investigating = p.Text("investigatingAgency", true, 64);
                var prosecuting = p.Text("prosecutingAgency", true, 64);
                f.Absorb(p);
                return investigating is not null && prosecuting is not null ? new UkArisParameters(investigating, prosecuting) : null;
            default:
                return null;
        }
    }

    private static Task<IResult> GetAsync(HttpContext http, string caseId, string distributionId, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(caseId, out var id) || !Guid.TryParse(distributionId, out var did)) return Problems.NotFound("No such distribution.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            return (await DistributionHandler.CurrentAsync(session, caller, id, did, created: false, ct)).ToResult(http);
        });

    private static Task<IResult> SettleAsync(HttpContext http, string caseId, string distributionId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id) || !Guid.TryParse(distributionId, out var did)) return Problems.NotFound("No such distribution.");
            var errors = PrepareSettle(body, id, did, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
            {
                await using var session = store.QuerySession(caller.Jurisdiction);
                return await DistributionHandler.CurrentAsync(session, caller, id, did, created: false, ct) is Outcome.Done
                    ? Problems.Validation(errors) : Problems.NotFound("No such distribution.");
            }
            return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
        });

    /// <summary>Parses a settlement into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareSettle(Body body, Guid caseId, Guid distributionId, Caller caller, string role, string correlationId, out SettleAllocation? message)
    {
        message = null;
        Guid? commandId = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            var allocationId = f.Id("allocationId");
            var amount = f.Money("amount", true, allowZero: false);
            var settledOn = f.Date("settledOn", true);
            var bankReference = f.Text("bankReference", true, 64);
            return f.Ok ? new SettleAllocation(null!, caseId, distributionId, allocationId!.Value, amount!.Value, settledOn!.Value, bankReference!) : null;
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/distributions/{distributionId}/settlements", command! with { Context = null! });
        message = command! with { Context = new CommandContext(caller, role, commandId!.Value, fingerprint, correlationId, null) };
        return null;
    }
}
