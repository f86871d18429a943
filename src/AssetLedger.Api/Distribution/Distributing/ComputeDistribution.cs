using System.Text.Json;
using AssetLedger.Api.Cases;
using AssetLedger.Core.Distribution;
using AssetLedger.Core.Money;
using Commands = AssetLedger.Cases;

namespace AssetLedger.Api.Distribution.Distributing;

public sealed record ComputeDistributionRequest(
    CommandContext Context, Guid CaseId, Guid DistributionId, string Regime, string? Counterparty, RegimeParameters? Parameters,
    IReadOnlyList<Guid>? AssetIds, string? Currency, IReadOnlyList<FxRate> Fx, Guid? CertificateId = null);

/// <summary>
/// <c>POST /api/cases/{caseId}/distributions</c>: the treasury shares the proceeds of realised assets
/// of a case under a regime, victims first (<see cref="CaseDecider"/> and the core's calculator);
/// <c>GET /api/cases/{caseId}/distributions/{distributionId}</c> reads one back.
/// </summary>
public static class ComputeDistributionHandler
{
    [ApiRoute("POST", "/cases/{caseId}/distributions", Roles.Treasury)]
    private static Task<IResult> ComputeDistribution(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        CaseCommandRunner.SendAsync<ComputeDistributionRequest>(http, caseId, Prepare, bus, store, ct);

    [ApiRoute("GET", "/cases/{caseId}/distributions/{distributionId}", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetDistribution(HttpContext http, string caseId, string distributionId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(caseId, out var id) || !Guid.TryParse(distributionId, out var did)) return Problems.NotFound("No such distribution.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        return (await CurrentAsync(session, caller, id, did, created: false, ct)).ToResult(http);
    }

    /// <summary>Parses a distribution request into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Guid caseId, ApiRequest request, out ComputeDistributionRequest? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, f => Parse(f, caseId), out var command, out var expectedVersion);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/distributions", command! with { Context = null! }, expectedVersion);
        message = command! with { Context = request.Context(command.DistributionId, fingerprint, expectedVersion) };
        return null;
    }

    private static ComputeDistributionRequest? Parse(Fields f, Guid caseId)
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
        var certificateId = f.Id("certificateId", required: false);
        if (certificateId is not null && regime is not null && regime != RegimeIds.Eu2018_1805)
            f.Fail("certificateId", $"Only a distribution under {RegimeIds.Eu2018_1805} shares with the issuing State of a confiscation certificate (Art 30(7)).");
        if (certificateId is not null && counterparty is null)
            f.Fail("counterparty", "Name the issuing State of the certificate.");
        return f.Ok
            ? new ComputeDistributionRequest(null!, caseId, distributionId!.Value, regime!, counterparty, parameters,
                explicitAssets ? assetIds.Select(a => a!.Value).Distinct().ToList() : null, currency, fx, certificateId)
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

    public static Task<Outcome> Handle(ComputeDistributionRequest m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/distributions", m.CaseId)
        {
            Command = async (scope, c) =>
            {
                var realised = (await scope.Session.LoadManyAsync<Asset>(scope.Ct, c.AssetIds))
                    .Where(a => a.Status == AssetStatus.Realised && a.Realisation is not null)
                    .Select(a => new RealisedAssetProceeds(a.Id, a.Realisation!.Kept, a.Realisation.Costs))
                    .ToList();
                return new Commands.ComputeDistribution(m.DistributionId, m.Context.Caller.Jurisdiction, m.Regime, m.Counterparty, m.Parameters,
                    m.AssetIds, m.Currency, m.Fx, realised, scope.Now);
            },
            Answer = (_, next) => Task.FromResult(Done(next, m.DistributionId, created: true)),
            Beyond = m.CertificateId is not { } certificateId ? null : (_, _, events) => (session, ct2) => ShareWithIssuingStateAsync(session, certificateId, m, events, ct2),
            Represent = session => CurrentAsync(session, m.Context.Caller, m.CaseId, m.DistributionId, created: true, ct),
        }, ct);

    /// <summary>
    /// A distribution of proceeds obtained under a received confiscation certificate: the issuing
    /// State's allocation (or zero, when the sum stays here: Art 30(7)(a)) is recorded on the
    /// certificate and reported to the issuing ledger, in the distribution's transaction.
    /// </summary>
    private static async Task<Outcome?> ShareWithIssuingStateAsync(IDocumentSession session, Guid certificateId, ComputeDistributionRequest m,
        IReadOnlyList<object> events, CancellationToken ct)
    {
        if (events.OfType<Commands.DistributionComputed>().SingleOrDefault() is not { } computed) return null;
        var stream = await session.Events.FetchForWriting<AssetLedger.Certificates.Certificate>(certificateId, ct);
        if (stream.Aggregate is not { Role: AssetLedger.Certificates.CertificateRole.Executing } certificate)
            return new Outcome.Invalid(new Dictionary<string, string[]> { ["certificateId"] = [$"No certificate {certificateId} received from another State."] });
        if (certificate.OtherState != m.Counterparty)
            return new Outcome.Invalid(new Dictionary<string, string[]> { ["counterparty"] = [$"Must be {certificate.OtherState}, the issuing State of certificate {certificateId}."] });
        var share = computed.Allocations.FirstOrDefault(a => a.Allocation.Payee == new Payee(PayeeType.State, certificate.OtherState));
        var amount = share?.Allocation.Amount ?? new Money(0m, computed.Result.Base.Currency);
        var basis = string.Join(" ", computed.Result.Explanation);
        return Certificates.CertificateCommandSlices.Append(session, stream,
            new AssetLedger.Certificates.RecordShare(m.DistributionId, share?.AllocationId ?? m.DistributionId, amount, m.Regime, basis), computed.ComputedAt);
    }

    public static async Task<Outcome> CurrentAsync(IQuerySession session, Caller caller, Guid caseId, Guid distributionId, bool created, CancellationToken ct)
    {
        var c = await session.LoadAsync<Case>(caseId, ct);
        return c is not null && caller.CanSee(c.Agencies) && c.Distributions.Any(d => d.DistributionId == distributionId)
            ? Done(c, distributionId, created)
            : new Outcome.NotFound($"No distribution {distributionId} in case {caseId}.");
    }

    public static Outcome.Done Done(Case c, Guid distributionId, bool created) =>
        new(DistributionResponse.From(c.Id, c.Distributions.Single(d => d.DistributionId == distributionId)), c.Version,
            Created: created, Location: created ? $"/api/cases/{c.Id}/distributions/{distributionId}" : null);
}
