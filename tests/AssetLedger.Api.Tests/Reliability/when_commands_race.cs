using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;
using static AssetLedger.Api.Tests.Reliability.ReliabilityKit;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// R2 (quality.md), api.md "Idempotency and concurrency", invariants 5 and 9 (domain.md): racing
/// commands never produce a 500, each either applies or gets a 409, the result equals a sequential
/// replay of exactly the accepted commands, and checks that span streams hold under concurrency.
/// </summary>
public sealed class when_commands_race(ApiFixture fixture) : ApiTest(fixture)
{
    private sealed record Cmd(string Name, Guid CommandId, string Token, Dictionary<string, object?> Body);

    private static Cmd FreezeCmd(int i) => new("freeze", Guid.NewGuid(), Tokens.Investigator,
        Body(("commandId", null), ("orderReference", $"R-{i}"), ("frozenAt", "2026-03-01T10:00:00Z"), ("amount", Money($"{1000 + i}.00"))));

    private static Cmd SeizeCmd(int i) => new("seize", Guid.NewGuid(), Tokens.Investigator,
        Body(("commandId", null), ("custodian", $"Custodian {i}"), ("location", $"Depot {i}"), ("seizedAt", "2026-03-02T10:00:00Z")));

    private static Cmd ReleaseCmd(int i) => new("release", Guid.NewGuid(), Tokens.Prosecutor,
        Body(("commandId", null), ("reason", "other"), ("releasedOn", "2026-04-01"), ("note", $"Release {i}")));

    private static Cmd ConfiscationCmd(int i) => new("orders", Guid.NewGuid(), Tokens.Prosecutor,
        Body(("commandId", null), ("orderId", Guid.NewGuid()), ("type", "confiscation"), ("court", "Rechtbank Amsterdam"),
            ("reference", $"C-{i}"), ("issuedOn", "2026-05-01")));

    private Task<Reply> Run(Guid asset, Cmd c, Guid? commandId = null) =>
        Client.Command(asset, c.Name, c.Body.With("commandId", commandId ?? c.CommandId), c.Token);

    /// <summary>
    /// Fires every command at once, then checks: only 200 or 409 problems; the asset stream is the
    /// given prefix plus exactly the accepted commands, once each, with contiguous versions that
    /// match the versions the 200s reported; and a sequential replay of the accepted commands, in
    /// the order the stream recorded them, on a twin asset gives the same final state.
    /// Returns the accepted commands in recording order.
    /// </summary>
    private async Task<IReadOnlyList<Cmd>> Race(Guid caseId, Guid asset, Func<Guid, Task> prepareTwin, IReadOnlyList<Cmd> commands)
    {
        var before = await Client.Get($"/api/assets/{asset}", Tokens.Auditor);
        var startVersion = before["version"].GetInt64();

        var replies = await Task.WhenAll(commands.Select(c => Run(asset, c)));

        var byCommand = new Dictionary<Guid, Reply>();
        for (var i = 0; i < commands.Count; i++)
        {
            var r = replies[i];
            Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{commands[i].Name}: {r}");
            if (r.Status == HttpStatusCode.Conflict) AssertProblem(r, HttpStatusCode.Conflict);
            else Assert.Equal($"\"{r["version"].GetInt64()}\"", r.Headers.ETag?.ToString());
            byCommand[commands[i].CommandId] = r;
        }
        var accepted = commands.Where(c => byCommand[c.CommandId].Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(accepted);

        var history = Entries(await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor));
        var raceEntries = history.Where(e => e.GetProperty("version").GetInt64() > startVersion).ToList();
        Assert.Equal(startVersion, history.Count - raceEntries.Count);
        Assert.Equal(accepted.Count, raceEntries.Count);
        Assert.Equal(startVersion + accepted.Count, history.Count);

        // versions strictly increase, contiguously, in recording order
        var versions = history.Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), versions);
        var sequences = history.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.First < p.Second), string.Join(",", sequences));

        // exactly the accepted commands, each once, each at the version its 200 reported
        var recorded = raceEntries.Select(e => CommandIdOf(e)!.Value).ToList();
        Assert.Equal(accepted.Select(c => c.CommandId).Order(), recorded.Order());
        foreach (var e in raceEntries)
            Assert.Equal(e.GetProperty("version").GetInt64(), byCommand[CommandIdOf(e)!.Value]["version"].GetInt64());
        var ordered = recorded.Select(id => accepted.Single(c => c.CommandId == id)).ToList();

        // the final state equals a sequential replay of exactly the accepted commands
        var final = await Client.Get($"/api/assets/{asset}", Tokens.Auditor);
        Assert.Equal(startVersion + accepted.Count, final["version"].GetInt64());
        Assert.Equal($"\"{final["version"].GetInt64()}\"", final.Headers.ETag?.ToString());
        var twin = await Client.AddAsset(caseId);
        await prepareTwin(twin);
        foreach (var c in ordered) await Run(twin, c, Guid.NewGuid()).Ok();
        var replayed = await Client.Get($"/api/assets/{twin}", Tokens.Auditor);
        AssertJsonEqual(Without(final.Json, "assetId"), Without(replayed.Json, "assetId"), "race result vs sequential replay");
        return ordered;
    }

    [Fact]
    public async Task fifty_clients_racing_freeze_and_seize_on_an_identified_asset_apply_exactly_the_legal_ones()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var commands = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? FreezeCmd(i) : SeizeCmd(i)).ToList();

        var ordered = await Race(caseId, asset, _ => Task.CompletedTask, commands);

        // legal sequences from identified: [seize] or [freeze, seize]
        var names = ordered.Select(c => c.Name).ToList();
        Assert.True(names.SequenceEqual(["seize"]) || names.SequenceEqual(["freeze", "seize"]), string.Join(",", names));
        Assert.Equal("seized", (await Client.Get($"/api/assets/{asset}", Tokens.Auditor)).Str("status"));
    }

    [Fact]
    public async Task twenty_clients_racing_release_and_confiscation_orders_on_a_seized_asset_apply_exactly_the_legal_ones()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Seize(asset).Ok();
        var commands = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? ReleaseCmd(i) : ConfiscationCmd(i)).ToList();

        var ordered = await Race(caseId, asset, twin => Client.Seize(twin).Ok(), commands);

        // legal sequences from seized: [release] or [confiscation order, release]
        var names = ordered.Select(c => c.Name).ToList();
        Assert.True(names.SequenceEqual(["release"]) || names.SequenceEqual(["orders", "release"]), string.Join(",", names));
        Assert.Equal("released", (await Client.Get($"/api/assets/{asset}", Tokens.Auditor)).Str("status"));
    }

    [Fact]
    public async Task fifty_clients_racing_custody_transfers_and_valuations_which_are_always_legal_all_apply()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Seize(asset).Ok();
        var commands = Enumerable.Range(0, 50).Select(i => i % 2 == 0
            ? new Cmd("custody-transfers", Guid.NewGuid(), Tokens.Investigator,
                Body(("commandId", null), ("toCustodian", $"Custodian {i}"), ("toLocation", $"Depot {i}"), ("transferredAt", "2026-03-03T10:00:00Z")))
            : new Cmd("valuations", Guid.NewGuid(), Tokens.Treasury,
                Body(("commandId", null), ("value", Money($"{5000 + i}.00")), ("method", "market"), ("valuer", $"Valuer {i}"), ("valuedOn", "2026-03-03")))).ToList();

        var ordered = await Race(caseId, asset, twin => Client.Seize(twin).Ok(), commands);

        // every one is legal in every order, so R2's "exactly the legal ones applied" means all of them
        Assert.True(ordered.Count == commands.Count,
            $"only {ordered.Count} of {commands.Count} always-legal commands applied; the others got a 409 although nothing made them illegal");
    }

    [Fact]
    public async Task a_stale_expected_version_is_a_409_and_the_etag_is_the_version()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var frozen = await Client.Freeze(asset).Ok();
        Assert.Equal(2, frozen["version"].GetInt64());
        Assert.Equal("\"2\"", frozen.Headers.ETag?.ToString());
        var count = await Fixture.EventCountAsync();

        var stale = await Client.Command(asset, "seize", new { commandId = Guid.NewGuid(), expectedVersion = 1, custodian = "ORD", location = "Depot", seizedAt = "2026-03-02T10:00:00Z" }, Tokens.Investigator);
        AssertProblem(stale, HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        var ahead = await Client.Command(asset, "seize", new { commandId = Guid.NewGuid(), expectedVersion = 3, custodian = "ORD", location = "Depot", seizedAt = "2026-03-02T10:00:00Z" }, Tokens.Investigator);
        AssertProblem(ahead, HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());

        var current = await Client.Command(asset, "seize", new { commandId = Guid.NewGuid(), expectedVersion = 2, custodian = "ORD", location = "Depot", seizedAt = "2026-03-02T10:00:00Z" }, Tokens.Investigator).Ok();
        Assert.Equal(3, current["version"].GetInt64());
        Assert.Equal("\"3\"", current.Headers.ETag?.ToString());

        var read = await Client.Get($"/api/assets/{asset}", Tokens.Auditor);
        Assert.Equal(3, read["version"].GetInt64());
        Assert.Equal("\"3\"", read.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task a_stale_expected_version_on_closing_a_case_is_a_409()
    {
        var caseId = await Client.OpenCase();
        var summary = await Client.Get($"/api/cases/{caseId}", Tokens.Auditor);
        var version = summary["version"].GetInt64();
        Assert.Equal($"\"{version}\"", summary.Headers.ETag?.ToString());
        var count = await Fixture.EventCountAsync();

        var stale = await Client.Post($"/api/cases/{caseId}/close", new { commandId = Guid.NewGuid(), reason = "done", expectedVersion = version + 1 }, Tokens.Prosecutor);
        AssertProblem(stale, HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());

        var closed = await Client.Post($"/api/cases/{caseId}/close", new { commandId = Guid.NewGuid(), reason = "done", expectedVersion = version }, Tokens.Prosecutor).Ok();
        Assert.Equal("closed", closed.Str("status"));
        Assert.Equal($"\"{closed["version"].GetInt64()}\"", closed.Headers.ETag?.ToString());
        Assert.Equal(version + 1, closed["version"].GetInt64());
    }

    [Fact]
    public async Task ten_concurrent_opens_with_the_same_reference_give_exactly_one_case()
    {
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();

        var replies = await Task.WhenAll(ids.Select(id => Client.Post("/api/cases",
            new { caseId = id, reference = "NL-2026-0777", title = $"Operation {id:N}", offences = new[] { "money_laundering" } }, Tokens.Investigator)));

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, r.ToString()));
        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        foreach (var r in replies.Where(r => r.Status == HttpStatusCode.Conflict)) AssertProblem(r, HttpStatusCode.Conflict);
        var winner = Guid.Parse(replies.Single(r => r.Status == HttpStatusCode.Created).Str("caseId"));

        var list = await Client.Get("/api/cases?q=NL-2026-0777", Tokens.Auditor);
        Assert.Equal(1, list["total"].GetInt64());
        Assert.Equal(winner, Guid.Parse(list["items"][0].GetProperty("caseId").GetString()!));
        foreach (var loser in ids.Where(id => id != winner))
            Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{loser}", Tokens.Auditor)).Status);
        Assert.Equal(1, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task four_concurrent_realisations_under_one_capped_order_stop_at_the_cap()
    {
        var caseId = await Client.OpenCase();
        var order = Guid.NewGuid();
        var cap = Money("100000.00");
        var assets = new List<Guid>();
        for (var i = 0; i < 4; i++) assets.Add((await Client.Confiscated(caseId, order, cap)).Asset);

        var replies = await Task.WhenAll(assets.Select(a => Client.Realise(a, "30000.00")));

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, r.ToString()));
        Assert.Equal(3, replies.Count(r => r.Status == HttpStatusCode.OK));
        AssertProblem(replies.Single(r => r.Status == HttpStatusCode.Conflict), HttpStatusCode.Conflict);

        var statuses = new List<string>();
        var realised = 0m;
        foreach (var a in assets)
        {
            var s = await Client.Get($"/api/assets/{a}", Tokens.Auditor);
            statuses.Add(s.Str("status"));
            if (s.Str("status") == "realised")
                realised += decimal.Parse(s["realisation"].GetProperty("gross").GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(3, statuses.Count(s => s == "realised"));
        Assert.Equal(1, statuses.Count(s => s == "confiscated"));
        Assert.Equal(90000m, realised);
        Assert.True(realised <= 100000m);

        var summary = await Client.Get($"/api/cases/{caseId}", Tokens.Auditor);
        Assert.Equal("90000.00", summary["totals"].GetProperty("realised")[0].GetProperty("amount").GetString());
    }

    [Fact]
    public async Task sequential_realisations_may_reach_the_cap_exactly_but_not_one_cent_over()
    {
        var caseId = await Client.OpenCase();
        var order = Guid.NewGuid();
        var cap = Money("100000.00");
        var a = (await Client.Confiscated(caseId, order, cap)).Asset;
        var b = (await Client.Confiscated(caseId, order, cap)).Asset;
        var c = (await Client.Confiscated(caseId, order, cap)).Asset;

        await Client.Realise(a, "60000.00").Ok();
        var count = await Fixture.EventCountAsync();
        AssertProblem(await Client.Realise(b, "40000.01"), HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        Assert.Equal("confiscated", (await Client.Get($"/api/assets/{b}", Tokens.Auditor)).Str("status"));

        await Client.Realise(b, "40000.00").Ok();
        count = await Fixture.EventCountAsync();
        AssertProblem(await Client.Realise(c, "0.01"), HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        Assert.Equal("confiscated", (await Client.Get($"/api/assets/{c}", Tokens.Auditor)).Str("status"));
    }

    [Fact]
    public async Task what_is_returned_to_the_owner_does_not_count_against_the_cap()
    {
        var caseId = await Client.OpenCase();
        var order = Guid.NewGuid();
        var a = (await Client.Confiscated(caseId, order, Money("100000.00"))).Asset;
        var b = (await Client.Confiscated(caseId, order, Money("100000.00"))).Asset;

        // gross 120,000 − returned 20,000 = 100,000 kept: exactly the cap
        await Client.Realise(a, "120000.00", returned: "20000.00").Ok();
        // nothing more may be kept, but a realisation keeping nothing is within the cap
        AssertProblem(await Client.Realise(b, "10.00", returned: "9.99"), HttpStatusCode.Conflict);
        await Client.Realise(b, "10.00", returned: "10.00").Ok();
    }

    [Fact]
    public async Task the_same_order_id_with_different_details_on_a_second_asset_is_a_409()
    {
        var caseId = await Client.OpenCase();
        var order = Guid.NewGuid();
        var first = await Client.AddAsset(caseId);
        var second = await Client.AddAsset(caseId);
        await Client.Freeze(first).Ok();
        await Client.Freeze(second).Ok();
        await Client.OrderConfiscation(first, order, Money("100000.00")).Ok();
        var count = await Fixture.EventCountAsync();

        AssertProblem(await Client.OrderConfiscation(second, order, Money("90000.00")), HttpStatusCode.Conflict);
        AssertProblem(await Client.OrderConfiscation(second, order, null), HttpStatusCode.Conflict);
        AssertProblem(await Client.Command(second, "orders", new { commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam",
            reference = "C-2", issuedOn = "2026-05-01", maxAmount = Money("100000.00") }, Tokens.Prosecutor), HttpStatusCode.Conflict);
        Assert.Equal(count, await Fixture.EventCountAsync());
        Assert.Equal("frozen", (await Client.Get($"/api/assets/{second}", Tokens.Auditor)).Str("status"));

        // the same details (amount written differently) are the same order
        var same = await Client.Command(second, "orders", new { commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam",
            reference = "C-1", issuedOn = "2026-05-01", maxAmount = new { amount = 100000, currency = "EUR" } }, Tokens.Prosecutor).Ok();
        Assert.Equal("confiscation_ordered", same.Str("status"));
    }

    [Fact]
    public async Task the_same_order_recorded_concurrently_on_four_assets_keeps_one_cap()
    {
        var caseId = await Client.OpenCase();
        var order = Guid.NewGuid();
        var assets = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var a = await Client.AddAsset(caseId);
            await Client.Freeze(a).Ok();
            assets.Add(a);
        }

        var ordered = await Task.WhenAll(assets.Select(a => Client.OrderConfiscation(a, order, Money("100000.00"))));
        Assert.All(ordered, r => Assert.True(r.Status == HttpStatusCode.OK, r.ToString()));
        foreach (var a in assets) await Client.Finality(a, order).Ok();

        var realised = await Task.WhenAll(assets.Select(a => Client.Realise(a, "30000.00")));
        Assert.Equal(3, realised.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Single(realised, r => r.Status == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task forty_assets_added_concurrently_by_eight_clients_are_all_counted()
    {
        var caseId = await Client.OpenCase();
        var clients = Enumerable.Range(0, 8).Select(_ => new Infrastructure.Api(Fixture.Host.Server.CreateClient())).ToList();

        var replies = await Task.WhenAll(clients.Select(async api =>
        {
            var mine = new List<Reply>();
            for (var i = 0; i < 5; i++)
                mine.Add(await api.Post($"/api/cases/{caseId}/assets",
                    new { assetId = Guid.NewGuid(), kind = "cash", location = "NL", identifiers = new { serial = $"S-{Guid.NewGuid():N}" } }, Tokens.Investigator));
            return mine;
        }));

        var all = replies.SelectMany(r => r).ToList();
        Assert.Equal(40, all.Count);
        Assert.All(all, r => Assert.True(r.Status == HttpStatusCode.Created, r.ToString()));
        Assert.Equal(40, all.Select(r => r.Str("assetId")).Distinct().Count());

        // api.md lets aggregate views lag up to 2 s on an idle service: wait up to 3 s
        var summary = await Eventually(() => Client.Get($"/api/cases/{caseId}", Tokens.Auditor),
            s => s.Status == HttpStatusCode.OK && s["assets"].GetProperty("count").GetInt32() == 40);
        Assert.Equal(40, summary["assets"].GetProperty("count").GetInt32());
        Assert.Equal(40, summary["assets"].GetProperty("byStatus").GetProperty("identified").GetInt32());

        var history = Entries(await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor));
        Assert.Equal(40, history.Count(e => e.GetProperty("type").GetString() == "asset_registered"));
    }
}
