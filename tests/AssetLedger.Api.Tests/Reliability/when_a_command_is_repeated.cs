using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;
using static AssetLedger.Api.Tests.Reliability.ReliabilityKit;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// R1 (quality.md), api.md "Idempotency and concurrency", invariant 8 (domain.md): every POST carries
/// a client-chosen key; repeating it with the same body (as parsed) returns the same 2xx and appends
/// nothing, concurrent replays all get that 2xx, and the same key with a different body is a 409.
/// </summary>
public sealed class when_a_command_is_repeated(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>Every POST route of the cases and assets sections of api.md.</summary>
    public static TheoryData<string> Routes => new()
    {
        "open_case", "add_asset",
        "freeze", "seize", "custody-transfers", "valuations", "orders", "appeals", "appeal-decisions",
        "finality", "realisation", "release", "disposal",
        "close_case",
    };

    /// <param name="Body">The request as first sent: amounts as canonical strings, optional fields as explicit nulls.</param>
    /// <param name="Equivalent">The same request as parsed: amounts as JSON numbers, optional fields absent.</param>
    /// <param name="Different">The same key with a different body.</param>
    /// <param name="Target">The stream the command is about (asset, or case for case commands).</param>
    private sealed record Request(
        string Route, string Url, string Token, Guid Key, HttpStatusCode Success, Guid CaseId, Guid Target,
        Dictionary<string, object?> Body, Dictionary<string, object?> Equivalent, Dictionary<string, object?> Different);

    private static object Amount(decimal amount, string currency = "EUR") => new { amount, currency };

    private async Task<Request> Prepare(string route)
    {
        if (route == "open_case")
        {
            var id = Guid.NewGuid();
            var body = Body(("caseId", id), ("reference", "NL-2026-0100"), ("title", "Operation Lantern"),
                ("offences", new[] { "money_laundering", "trafficking_in_human_beings" }), ("participatingAgencies", null));
            return new Request(route, "/api/cases", Tokens.Investigator, id, HttpStatusCode.Created, id, id,
                body, body.Omit("participatingAgencies"), body.With("title", "Operation Harbour"));
        }

        var caseId = await Client.OpenCase();
        if (route == "add_asset")
        {
            var id = Guid.NewGuid();
            var body = Body(("assetId", id), ("kind", "vehicle"), ("description", null),
                ("identifiers", new Dictionary<string, string> { ["registration"] = "AB-123-C" }), ("location", "NL"), ("holder", null));
            return new Request(route, $"/api/cases/{caseId}/assets", Tokens.Investigator, id, HttpStatusCode.Created, caseId, id,
                body, body.Omit("description", "holder"), body.With("location", "BE"));
        }
        if (route == "close_case")
        {
            var commandId = Guid.NewGuid();
            var body = Body(("commandId", commandId), ("reason", "Investigation complete"), ("expectedVersion", null));
            return new Request(route, $"/api/cases/{caseId}/close", Tokens.Prosecutor, commandId, HttpStatusCode.OK, caseId, caseId,
                body, body.Omit("expectedVersion"), body.With("reason", "Prosecution discontinued"));
        }

        var asset = await Client.AddAsset(caseId);
        var key = Guid.NewGuid();
        var order = Guid.NewGuid();
        Dictionary<string, object?> b, eq, diff;
        string token;
        switch (route)
        {
            case "freeze":
                token = Tokens.Investigator;
                b = Body(("commandId", key), ("orderReference", "R-7"), ("frozenAt", "2026-03-01T10:00:00Z"), ("amount", Money("120000.00")), ("holder", null), ("expectedVersion", null));
                eq = b.With("amount", Amount(120000m)).Omit("holder", "expectedVersion");
                diff = b.With("orderReference", "R-8");
                break;
            case "seize":
                token = Tokens.Investigator;
                b = Body(("commandId", key), ("custodian", "ORD"), ("location", "Depot Utrecht"), ("seizedAt", "2026-03-02T10:00:00Z"), ("sealNumber", null), ("expectedVersion", null));
                eq = b.Omit("sealNumber", "expectedVersion");
                diff = b.With("custodian", "Politie Utrecht");
                break;
            case "custody-transfers":
                await Client.Seize(asset).Ok();
                token = Tokens.Investigator;
                b = Body(("commandId", key), ("toCustodian", "Domeinen"), ("toLocation", "Depot Zwolle"), ("transferredAt", "2026-03-03T10:00:00Z"), ("sealNumber", null), ("expectedVersion", null));
                eq = b.Omit("sealNumber", "expectedVersion");
                diff = b.With("toLocation", "Depot Amersfoort");
                break;
            case "valuations":
                token = Tokens.Investigator;
                b = Body(("commandId", key), ("value", Money("120000.00")), ("method", "appraisal"), ("valuer", "Taxateur B.V."), ("valuedOn", "2026-03-01"), ("liens", null), ("expectedVersion", null));
                eq = b.With("value", Amount(120000m)).Omit("liens", "expectedVersion");
                diff = b.With("value", Money("120000.01"));
                break;
            case "orders":
                await Client.Freeze(asset).Ok();
                token = Tokens.Prosecutor;
                b = Body(("commandId", key), ("orderId", order), ("type", "confiscation"), ("court", "Rechtbank Amsterdam"), ("reference", "C-9"),
                    ("issuedOn", "2026-05-01"), ("expiresOn", null), ("maxAmount", Money("100000.00")), ("issuingState", null), ("deadlines", null), ("expectedVersion", null));
                eq = b.With("maxAmount", Amount(100000m)).Omit("expiresOn", "issuingState", "deadlines", "expectedVersion");
                diff = b.With("maxAmount", Money("100000.01"));
                break;
            case "appeals":
                await Client.Freeze(asset).Ok();
                await Client.OrderConfiscation(asset, order).Ok();
                token = Tokens.Prosecutor;
                b = Body(("commandId", key), ("orderId", order), ("lodgedOn", "2026-05-10"), ("expectedVersion", null));
                eq = b.Omit("expectedVersion");
                diff = b.With("lodgedOn", "2026-05-11");
                break;
            case "appeal-decisions":
                await Client.Freeze(asset).Ok();
                await Client.OrderConfiscation(asset, order).Ok();
                await Client.Command(asset, "appeals", new { commandId = Guid.NewGuid(), orderId = order, lodgedOn = "2026-05-10" }, Tokens.Prosecutor).Ok();
                token = Tokens.Prosecutor;
                b = Body(("commandId", key), ("orderId", order), ("outcome", "dismissed"), ("decidedOn", "2026-05-20"), ("expectedVersion", null));
                eq = b.Omit("expectedVersion");
                diff = b.With("outcome", "allowed");
                break;
            case "finality":
                await Client.Freeze(asset).Ok();
                await Client.OrderConfiscation(asset, order).Ok();
                token = Tokens.Prosecutor;
                b = Body(("commandId", key), ("orderId", order), ("finalOn", "2026-06-01"), ("expectedVersion", null));
                eq = b.Omit("expectedVersion");
                diff = b.With("finalOn", "2026-06-02");
                break;
            case "realisation":
                await Client.Freeze(asset).Ok();
                await Client.OrderConfiscation(asset, order, Money("200000.00")).Ok();
                await Client.Finality(asset, order).Ok();
                token = Tokens.Treasury;
                b = Body(("commandId", key), ("gross", Money("100000.00")), ("costs", Money("1500.50")), ("method", "sale"), ("realisedOn", "2026-06-02"), ("returnedToOwner", null), ("expectedVersion", null));
                eq = b.With("gross", Amount(100000m)).With("costs", Amount(1500.5m)).Omit("returnedToOwner", "expectedVersion");
                diff = b.With("gross", Money("100000.01"));
                break;
            case "release":
                await Client.Seize(asset).Ok();
                token = Tokens.Prosecutor;
                b = Body(("commandId", key), ("reason", "court_order"), ("releasedOn", "2026-04-01"), ("note", null), ("expectedVersion", null));
                eq = b.Omit("note", "expectedVersion");
                diff = b.With("reason", "third_party_claim");
                break;
            case "disposal":
                await Client.Freeze(asset).Ok();
                await Client.OrderConfiscation(asset, order).Ok();
                await Client.Finality(asset, order).Ok();
                token = Tokens.Treasury;
                b = Body(("commandId", key), ("method", "destroyed"), ("disposedOn", "2026-06-05"), ("note", null), ("expectedVersion", null));
                eq = b.Omit("note", "expectedVersion");
                diff = b.With("method", "official_use");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(route), route);
        }
        return new Request(route, $"/api/assets/{asset}/{route}", token, key, HttpStatusCode.OK, caseId, asset, b, eq, diff);
    }

    private Task<Reply> Send(Request req, Dictionary<string, object?> body) => Client.Post(req.Url, body, req.Token);

    private static void AssertSameResponse(Reply first, Reply again, string because)
    {
        Assert.True(first.Status == again.Status, $"{because}: expected {(int)first.Status}, got {again}");
        AssertJsonEqual(first.Json, again.Json, because);
        Assert.Equal(first.Headers.ETag?.ToString(), again.Headers.ETag?.ToString());
        Assert.Equal(first.Headers.Location?.ToString(), again.Headers.Location?.ToString());
    }

    /// <summary>
    /// One effect: the command's own stream holds exactly one event with the key, and every event
    /// appended since <paramref name="before"/> carries the key (so nothing else was appended).
    /// </summary>
    private async Task AssertOneEffect(Request req, long before)
    {
        var appended = await Fixture.EventCountAsync() - before;
        var caseHistory = Entries(await Client.Get($"/api/cases/{req.CaseId}/history", Tokens.Auditor));
        var withKey = caseHistory.Where(e => CommandIdOf(e) == req.Key).ToList();
        Assert.True(withKey.Count >= 1, $"no history entry carries the key {req.Key}");
        Assert.Equal(withKey.Count, appended);
        Assert.Single(withKey, e => StreamIdOf(e) == req.Target);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task the_same_request_replayed_three_times_returns_the_same_response_and_appends_nothing(string route)
    {
        var req = await Prepare(route);
        var before = await Fixture.EventCountAsync();

        var first = await Send(req, req.Body);
        Assert.True(first.Status == req.Success, $"{route}: {first}");
        var afterFirst = await Fixture.EventCountAsync();
        Assert.True(afterFirst > before, $"{route}: the first request appended nothing");

        for (var i = 1; i <= 3; i++)
        {
            var again = await Send(req, req.Body);
            AssertSameResponse(first, again, $"{route} replay {i}");
            Assert.Equal(afterFirst, await Fixture.EventCountAsync());
        }
        await AssertOneEffect(req, before);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task the_same_request_replayed_eight_times_concurrently_all_succeed_with_one_effect(string route)
    {
        var req = await Prepare(route);
        var before = await Fixture.EventCountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Send(req, req.Body)));

        foreach (var r in replies) Assert.True(r.Status == req.Success, $"{route}: {r}");
        foreach (var r in replies.Skip(1)) AssertSameResponse(replies[0], r, route);
        await AssertOneEffect(req, before);

        // and a later sequential replay still answers the same
        AssertSameResponse(replies[0], await Send(req, req.Body), $"{route} late replay");
        await AssertOneEffect(req, before);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task the_same_key_with_a_different_body_is_a_409_problem_and_appends_nothing(string route)
    {
        var req = await Prepare(route);
        var first = await Send(req, req.Body);
        Assert.True(first.Status == req.Success, $"{route}: {first}");
        var count = await Fixture.EventCountAsync();

        var reused = await Send(req, req.Different);

        AssertProblem(reused, HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        // the original request is still recognised as a replay
        AssertSameResponse(first, await Send(req, req.Body), $"{route} replay after the refused reuse");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task an_equivalent_body_numbers_for_amount_strings_and_absent_for_null_is_the_same_request(string route)
    {
        var req = await Prepare(route);
        var before = await Fixture.EventCountAsync();
        var first = await Send(req, req.Equivalent);
        Assert.True(first.Status == req.Success, $"{route}: {first}");
        var count = await Fixture.EventCountAsync();

        var canonical = await Send(req, req.Body);

        AssertSameResponse(first, canonical, $"{route} canonical after equivalent");
        Assert.Equal(count, await Fixture.EventCountAsync());
        await AssertOneEffect(req, before);
    }

    [Fact]
    public async Task the_amount_120000_and_the_string_120000_00_are_the_same_freeze()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var commandId = Guid.NewGuid();
        var asNumber = $$$"""{"commandId":"{{{commandId}}}","orderReference":"R-1","frozenAt":"2026-03-01T10:00:00Z","amount":{"amount":120000,"currency":"EUR"}}""";
        var asString = $$$"""{"commandId":"{{{commandId}}}","orderReference":"R-1","frozenAt":"2026-03-01T10:00:00Z","amount":{"amount":"120000.00","currency":"EUR"},"holder":null}""";

        var first = await Client.Post($"/api/assets/{asset}/freeze", asNumber, Tokens.Investigator).Ok();
        var count = await Fixture.EventCountAsync();
        var again = await Client.Post($"/api/assets/{asset}/freeze", asString, Tokens.Investigator);

        AssertSameResponse(first, again, "freeze");
        Assert.Equal("120000.00", again["freezing"].GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal(count, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_replay_returns_the_current_representation_after_later_commands()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var freeze = new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Money("120000.00") };
        await Client.Command(asset, "freeze", freeze, Tokens.Investigator).Ok();
        var seized = await Client.Seize(asset).Ok();
        var count = await Fixture.EventCountAsync();

        var replay = await Client.Command(asset, "freeze", freeze, Tokens.Investigator);

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        AssertJsonEqual(seized.Json, replay.Json, "the replay gives the asset as it is now");
        Assert.Equal("\"3\"", replay.Headers.ETag?.ToString());
        Assert.Equal(count, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_case_key_reused_for_another_case_with_another_reference_is_a_409()
    {
        var caseId = Guid.NewGuid();
        var open = new { caseId, reference = "NL-2026-0200", title = "Operation Lantern", offences = new[] { "money_laundering" } };
        await Client.Post("/api/cases", open, Tokens.Investigator);
        var count = await Fixture.EventCountAsync();

        var reused = await Client.Post("/api/cases", open with { reference = "NL-2026-0201" }, Tokens.Investigator);

        AssertProblem(reused, HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        var list = await Client.Get("/api/cases?q=NL-2026-0201", Tokens.Auditor);
        Assert.Equal(0, list["total"].GetInt64());
    }
}
