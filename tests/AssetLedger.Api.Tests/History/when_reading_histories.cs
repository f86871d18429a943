using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssetLedger.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Text;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;
using static AssetLedger.Api.Tests.Reliability.ReliabilityKit;

namespace AssetLedger.Api.Tests.History;

/// <summary>
/// api.md "GET /api/cases/{caseId}/history" and "GET /api/assets/{assetId}/history"; domain.md
/// "Event envelope" and invariant 7: every event, in recording order, with who, when, which command
/// and which correlation id, and its data in the API's JSON conventions.
/// </summary>
public sealed class when_reading_histories(ApiFixture fixture) : ApiTest(fixture)
{
    private static readonly Regex SnakeCase = new("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");

    private sealed record Who(string Token, string Sub, string Name, string Role, string Agency);

    private static Who User(string roles, string sub, string agency, string role) =>
        new(Tokens.For(roles, agency: agency, sub: sub), sub, "Test " + roles, role, agency);

    private static readonly Who Investigator = User("investigator", "inv-17", "FIOD", "investigator");
    // several roles: the actor's role is the one that authorised the command
    private static readonly Who AuditingInvestigator = User("auditor,investigator", "inv-23", "FIOD", "investigator");
    private static readonly Who Prosecutor = User("prosecutor", "pro-5", "FIOD", "prosecutor");
    private static readonly Who Treasury = User("auditor,treasury", "tre-9", "DOMEINEN", "treasury");

    /// <summary>One acknowledged command and what the history must say about it.</summary>
    private sealed record Step(string Label, Guid CommandId, string CorrelationId, Instant At, Who Actor, Guid MainStream, string MainKind, string MainType);

    private static Instant ParseInstant(JsonElement e)
    {
        var r = InstantPattern.ExtendedIso.Parse(e.GetString()!);
        Assert.True(r.Success, $"not an ISO instant: {e.GetRawText()}");
        Assert.EndsWith("Z", e.GetString());
        return r.Value;
    }

    private Instant Tick(Duration d)
    {
        Fixture.Clock.Advance(d);
        return Fixture.Clock.GetCurrentInstant();
    }

    private async Task<Step> Do(string label, string url, Dictionary<string, object?> body, Who who, Guid key, Guid mainStream, string mainKind, string mainType, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var at = Fixture.Clock.GetCurrentInstant();
        var correlation = $"corr-{label}-{Guid.NewGuid():N}";
        var r = await Client.PostWith(url, body, who.Token, correlation);
        Assert.True(r.Status == expected, $"{label}: {r}");
        Assert.Equal(correlation, CorrelationIdOf(r));
        return new Step(label, key, correlation, at, who, mainStream, mainKind, mainType);
    }

    [Fact]
    public async Task the_case_history_lists_case_asset_and_order_events_in_recording_order_with_their_envelope()
    {
        var caseId = Guid.NewGuid();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var order = Guid.NewGuid();
        var steps = new List<Step>();
        var assetsUrl = $"/api/cases/{caseId}/assets";
        Guid K() => Guid.NewGuid();

        steps.Add(await Do("open", "/api/cases", Body(("caseId", caseId), ("reference", "NL-2026-0042"), ("title", "Operation Lantern"),
            ("offences", new[] { "trafficking_in_human_beings", "money_laundering" }), ("participatingAgencies", new[] { "KMAR" })),
            Investigator, caseId, caseId, "case", "case_opened", HttpStatusCode.Created));
        Tick(Duration.FromMinutes(1) + Duration.FromTicks(1_234_567));
        steps.Add(await Do("add-a", assetsUrl, Body(("assetId", a), ("kind", "bank_account"), ("identifiers", new { iban = "NL91ABNA0417164300" }), ("location", "NL")),
            Investigator, a, a, "asset", "asset_registered", HttpStatusCode.Created));
        Tick(Duration.FromSeconds(1));
        steps.Add(await Do("add-b", assetsUrl, Body(("assetId", b), ("kind", "vehicle"), ("location", "NL")),
            AuditingInvestigator, b, b, "asset", "asset_registered", HttpStatusCode.Created));
        Tick(Duration.FromMilliseconds(250));
        var k = K();
        steps.Add(await Do("freeze-a", $"/api/assets/{a}/freeze", Body(("commandId", k), ("orderReference", "R-1"), ("frozenAt", "2026-03-01T10:00:00Z"),
            ("amount", new { amount = 120000, currency = "EUR" })), AuditingInvestigator, k, a, "asset", "asset_frozen"));
        Tick(Duration.FromHours(2));
        k = K();
        steps.Add(await Do("seize-a", $"/api/assets/{a}/seize", Body(("commandId", k), ("custodian", "ORD"), ("location", "Depot Utrecht"), ("seizedAt", "2026-03-02T10:00:00.5Z")),
            Investigator, k, a, "asset", "asset_seized"));
        Tick(Duration.FromDays(60));
        k = K();
        steps.Add(await Do("order-a", $"/api/assets/{a}/orders", Body(("commandId", k), ("orderId", order), ("type", "confiscation"), ("court", "Rechtbank Amsterdam"),
            ("reference", "C-1"), ("issuedOn", "2026-05-01"), ("maxAmount", new { amount = 100000, currency = "EUR" })), Prosecutor, k, a, "asset", "confiscation_ordered"));
        Tick(Duration.FromDays(31));
        k = K();
        steps.Add(await Do("final-a", $"/api/assets/{a}/finality", Body(("commandId", k), ("orderId", order), ("finalOn", "2026-06-01")),
            Prosecutor, k, a, "asset", "confiscation_order_final"));
        Tick(Duration.FromMinutes(5));

        // refused: freezing a confiscated asset
        var refusedKey = Guid.NewGuid();
        var refused = await Client.PostWith($"/api/assets/{a}/freeze", Body(("commandId", refusedKey), ("orderReference", "R-X"), ("frozenAt", "2026-06-01T10:00:00Z")),
            Investigator.Token, "corr-refused");
        AssertProblem(refused, HttpStatusCode.Conflict);
        Tick(Duration.FromMinutes(5));

        k = K();
        steps.Add(await Do("realise-a", $"/api/assets/{a}/realisation", Body(("commandId", k), ("gross", new { amount = 90000.5m, currency = "EUR" }),
            ("costs", new { amount = "1000", currency = "EUR" }), ("method", "sale"), ("realisedOn", "2026-06-02")), Treasury, k, a, "asset", "asset_realised"));
        Tick(Duration.FromSeconds(10));
        k = K();
        steps.Add(await Do("release-b", $"/api/assets/{b}/release", Body(("commandId", k), ("reason", "third_party_claim"), ("releasedOn", "2026-06-03")),
            Prosecutor, k, b, "asset", "asset_released"));
        Tick(Duration.FromSeconds(10));
        k = K();
        steps.Add(await Do("close", $"/api/cases/{caseId}/close", Body(("commandId", k), ("reason", "All assets dealt with")),
            Prosecutor, k, caseId, "case", "case_closed"));

        var history = Entries(await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor));

        // recording order: strictly increasing sequence; the commands' events in the order acknowledged
        var sequences = history.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.First < p.Second), "sequence: " + string.Join(",", sequences));
        var commandOrder = history.Select(e => CommandIdOf(e)).Where(id => id is not null).Select(id => id!.Value)
            .Aggregate(new List<Guid>(), (acc, id) => { if (acc.Count == 0 || acc[^1] != id) acc.Add(id); return acc; });
        Assert.Equal(steps.Select(s => s.CommandId), commandOrder);

        // nothing of the refused requests
        Assert.DoesNotContain(history, e => CommandIdOf(e) == refusedKey);
        Assert.DoesNotContain(history, e => e.GetProperty("correlationId").GetString() == "corr-refused");
        Assert.Single(history, e => e.GetProperty("type").GetString() == "confiscation_order_final");

        // every entry: its envelope matches the step it belongs to; its stream is the case, one of its assets, or the order
        var kinds = new Dictionary<Guid, string> { [caseId] = "case", [a] = "asset", [b] = "asset", [order] = "order" };
        foreach (var e in history)
        {
            var id = CommandIdOf(e);
            Assert.True(id is not null, $"no commandId: {e.GetRawText()}");
            var step = steps.Single(s => s.CommandId == id);
            var stream = StreamIdOf(e);
            Assert.True(kinds.ContainsKey(stream), $"{step.Label}: unexpected stream {stream}");
            Assert.Equal(kinds[stream], e.GetProperty("streamKind").GetString());
            Assert.Matches(SnakeCase, e.GetProperty("type").GetString()!);
            Assert.Equal(step.At, ParseInstant(e.GetProperty("recordedAt")));
            var actor = e.GetProperty("actor");
            Assert.Equal(step.Actor.Sub, actor.GetProperty("id").GetString());
            Assert.Equal(step.Actor.Name, actor.GetProperty("name").GetString());
            Assert.Equal(step.Actor.Role, actor.GetProperty("role").GetString());
            Assert.Equal(step.Actor.Agency, actor.GetProperty("agency").GetString());
            Assert.Equal(step.CorrelationId, e.GetProperty("correlationId").GetString());
            Assert.Equal(JsonValueKind.Object, e.GetProperty("data").ValueKind);
            foreach (var (path, money) in MoneyObjects(e.GetProperty("data")))
            {
                Assert.True(money.GetProperty("amount").ValueKind == JsonValueKind.String, $"{step.Label} {path}: amount is not a string: {money.GetRawText()}");
                Assert.Matches(@"^[0-9]+\.[0-9]{2}$", money.GetProperty("amount").GetString()!);
            }
        }

        // each step's own event is there, once, on its stream
        foreach (var s in steps)
        {
            var own = history.Where(e => CommandIdOf(e) == s.CommandId && StreamIdOf(e) == s.MainStream).ToList();
            var main = Assert.Single(own, e => e.GetProperty("type").GetString() == s.MainType);
            Assert.Equal(s.MainKind, main.GetProperty("streamKind").GetString());
            // asset streams only carry what happened to that asset
            Assert.All(history.Where(e => CommandIdOf(e) == s.CommandId && kinds[StreamIdOf(e)] == "asset"), e => Assert.Equal(s.MainStream, StreamIdOf(e)));
        }

        // order-stream events are part of the case history, for the order and for the realisation under it
        Assert.Contains(history, e => StreamIdOf(e) == order && CommandIdOf(e) == steps.Single(s => s.Label == "order-a").CommandId);
        Assert.Contains(history, e => StreamIdOf(e) == order && CommandIdOf(e) == steps.Single(s => s.Label == "realise-a").CommandId);

        // per stream: versions 1, 2, 3 … in recording order
        foreach (var g in history.GroupBy(StreamIdOf))
            Assert.Equal(Enumerable.Range(1, g.Count()).Select(v => (long)v), g.Select(e => e.GetProperty("version").GetInt64()));

        // the data, in the API's JSON conventions
        JsonElement Data(string type, Guid stream) => history.Single(e => e.GetProperty("type").GetString() == type && StreamIdOf(e) == stream).GetProperty("data");
        var opened = Data("case_opened", caseId);
        Assert.Equal("NL-2026-0042", opened.GetProperty("reference").GetString());
        Assert.Equal("FIOD", opened.GetProperty("leadAgency").GetString());
        Assert.Equal(["trafficking_in_human_beings", "money_laundering"], opened.GetProperty("offences").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(steps[0].At, ParseInstant(opened.GetProperty("openedAt")));
        var frozen = Data("asset_frozen", a);
        Assert.Equal("R-1", frozen.GetProperty("orderReference").GetString());
        Assert.Equal(Instant.FromUtc(2026, 3, 1, 10, 0), ParseInstant(frozen.GetProperty("frozenAt")));
        Assert.Equal("120000.00", frozen.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal("EUR", frozen.GetProperty("amount").GetProperty("currency").GetString());
        var seized = Data("asset_seized", a);
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 10, 0).Plus(Duration.FromMilliseconds(500)), ParseInstant(seized.GetProperty("seizedAt")));
        var ordered = Data("confiscation_ordered", a);
        Assert.Equal("100000.00", MoneyObjects(ordered).Single().Money.GetProperty("amount").GetString());
        Assert.Contains("\"confiscation\"", ordered.GetRawText());
        Assert.Contains("\"2026-05-01\"", ordered.GetRawText());
        var realisedData = Data("asset_realised", a);
        Assert.Equal("90000.50", realisedData.GetProperty("gross").GetProperty("amount").GetString());
        Assert.Equal("1000.00", realisedData.GetProperty("costs").GetProperty("amount").GetString());
        Assert.Equal("sale", realisedData.GetProperty("method").GetString());
        Assert.Equal("2026-06-02", realisedData.GetProperty("realisedOn").GetString());
        Assert.Equal("third_party_claim", Data("asset_released", b).GetProperty("reason").GetString());
        Assert.Equal("All assets dealt with", Data("case_closed", caseId).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task the_asset_history_has_only_that_assets_events_shaped_as_in_the_case_history()
    {
        var caseId = await Client.OpenCase();
        var a = await Client.AddAsset(caseId);
        var b = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        Fixture.Clock.AdvanceMinutes(1);
        await Client.Freeze(a).Ok();
        await Client.Freeze(b).Ok();
        Fixture.Clock.AdvanceMinutes(1);
        await Client.OrderConfiscation(a, order, Money("50000.00")).Ok();
        await Client.OrderConfiscation(b, order, Money("50000.00")).Ok();
        await Client.Value(b).Ok();
        await Client.Finality(a, order).Ok();

        var assetHistory = Entries(await Client.Get($"/api/assets/{a}/history", Tokens.Prosecutor));
        var caseHistory = Entries(await Client.Get($"/api/cases/{caseId}/history", Tokens.Prosecutor));

        Assert.Equal(["asset_registered", "asset_frozen", "confiscation_ordered", "confiscation_order_final"],
            assetHistory.Select(e => e.GetProperty("type").GetString()));
        Assert.All(assetHistory, e =>
        {
            Assert.Equal(a, StreamIdOf(e));
            Assert.Equal("asset", e.GetProperty("streamKind").GetString());
        });
        Assert.Equal([1L, 2L, 3L, 4L], assetHistory.Select(e => e.GetProperty("version").GetInt64()));
        var fromCase = caseHistory.Where(e => StreamIdOf(e) == a).ToList();
        Assert.Equal(assetHistory.Count, fromCase.Count);
        for (var i = 0; i < fromCase.Count; i++) AssertJsonEqual(fromCase[i], assetHistory[i], $"entry {i}");

        var bHistory = Entries(await Client.Get($"/api/assets/{b}/history", Tokens.Prosecutor));
        Assert.Equal(["asset_registered", "asset_frozen", "confiscation_ordered", "asset_valued"], bHistory.Select(e => e.GetProperty("type").GetString()));
        Assert.All(bHistory, e => Assert.Equal(b, StreamIdOf(e)));
    }

    [Fact]
    public async Task recorded_at_is_the_server_clock_at_the_instant_of_recording_to_the_tick()
    {
        var start = Fixture.Clock.GetCurrentInstant();
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        Fixture.Clock.Advance(Duration.FromTicks(1)); // 100 ns
        var t1 = Fixture.Clock.GetCurrentInstant();
        await Client.Freeze(asset).Ok();
        Fixture.Clock.Advance(Duration.FromDays(400) + Duration.FromTicks(9_999_999));
        var t2 = Fixture.Clock.GetCurrentInstant();
        await Client.Seize(asset).Ok();

        var history = Entries(await Client.Get($"/api/assets/{asset}/history", Tokens.Investigator));

        Assert.Equal([start, t1, t2], history.Select(e => ParseInstant(e.GetProperty("recordedAt"))));
    }

    [Fact]
    public async Task a_correlation_id_not_sent_is_generated_echoed_and_recorded()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var commandId = Guid.NewGuid();

        var reply = await Client.PostWith($"/api/assets/{asset}/freeze",
            Body(("commandId", commandId), ("orderReference", "R-1"), ("frozenAt", "2026-03-01T10:00:00Z")), Tokens.Investigator);
        var sent = await Client.PostWith($"/api/assets/{asset}/seize",
            Body(("commandId", Guid.NewGuid()), ("custodian", "ORD"), ("location", "Depot"), ("seizedAt", "2026-03-02T10:00:00Z")), Tokens.Investigator, "my-correlation-42");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var generated = CorrelationIdOf(reply);
        Assert.False(string.IsNullOrWhiteSpace(generated));
        Assert.Equal("my-correlation-42", CorrelationIdOf(sent));
        var history = Entries(await Client.Get($"/api/assets/{asset}/history", Tokens.Investigator));
        var frozen = history.Single(e => CommandIdOf(e) == commandId);
        Assert.Equal(generated, frozen.GetProperty("correlationId").GetString());
        Assert.Equal("my-correlation-42", history.Single(e => e.GetProperty("type").GetString() == "asset_seized").GetProperty("correlationId").GetString());
        Assert.Single(history, e => e.GetProperty("correlationId").GetString() == generated);
    }

    [Fact]
    public async Task creation_events_carry_the_created_id_as_their_command_id()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);

        var history = Entries(await Client.Get($"/api/cases/{caseId}/history", Tokens.Investigator));

        Assert.Equal(caseId, CommandIdOf(history.Single(e => e.GetProperty("type").GetString() == "case_opened")));
        Assert.Equal(asset, CommandIdOf(history.Single(e => e.GetProperty("type").GetString() == "asset_registered")));
        Assert.All(history.Where(e => StreamIdOf(e) == caseId && e.GetProperty("type").GetString() != "case_opened"),
            e => Assert.Equal(asset, CommandIdOf(e)));
    }

    [Fact]
    public async Task refused_commands_appear_nowhere_in_the_histories()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Freeze(asset).Ok();
        var before = await Fixture.EventCountAsync();
        var caseBefore = (await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor)).Raw;
        var assetBefore = (await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor)).Raw;

        var frozenKey = CommandIdOf(Entries(await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor)).Last())!.Value;
        var refusals = new[]
        {
            // 409: a key reused with another body (the freeze's key, on another command)
            await Client.PostWith($"/api/assets/{asset}/freeze", Body(("commandId", frozenKey), ("orderReference", "R-other"), ("frozenAt", "2026-03-01T10:00:00Z")), Tokens.Investigator, "corr-r0"),
            // 409: illegal in the status
            await Client.PostWith($"/api/assets/{asset}/realisation", Body(("commandId", Guid.NewGuid()), ("gross", Money("1.00")), ("costs", Money("0.00")), ("method", "sale"), ("realisedOn", "2026-06-02")), Tokens.Treasury, "corr-r1"),
            // 409: stale expectedVersion
            await Client.PostWith($"/api/assets/{asset}/seize", Body(("commandId", Guid.NewGuid()), ("expectedVersion", 1), ("custodian", "ORD"), ("location", "Depot"), ("seizedAt", "2026-03-02T10:00:00Z")), Tokens.Investigator, "corr-r2"),
            // 409: an order that is not recorded on the asset
            await Client.PostWith($"/api/assets/{asset}/finality", Body(("commandId", Guid.NewGuid()), ("orderId", Guid.NewGuid()), ("finalOn", "2026-06-01")), Tokens.Prosecutor, "corr-r3"),
            // 409: case cannot close with a frozen asset
            await Client.PostWith($"/api/cases/{caseId}/close", Body(("commandId", Guid.NewGuid()), ("reason", "done")), Tokens.Prosecutor, "corr-r4"),
            // 400: invalid body
            await Client.PostWith($"/api/assets/{asset}/seize", Body(("commandId", Guid.NewGuid()), ("custodian", "ORD")), Tokens.Investigator, "corr-r5"),
            // 403: role
            await Client.PostWith($"/api/assets/{asset}/seize", Body(("commandId", Guid.NewGuid()), ("custodian", "ORD"), ("location", "Depot"), ("seizedAt", "2026-03-02T10:00:00Z")), Tokens.Treasury, "corr-r6"),
        };

        Assert.Equal(before, await Fixture.EventCountAsync());
        Assert.Equal(caseBefore, (await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor)).Raw);
        Assert.Equal(assetBefore, (await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor)).Raw);
        Assert.DoesNotContain("corr-r", (await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor)).Raw);
        Assert.Equal(new[] { HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden },
            refusals.Select(r => r.Status));
    }
}
