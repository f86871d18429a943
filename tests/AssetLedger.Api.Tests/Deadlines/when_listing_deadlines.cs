using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Deadlines;
using Marten;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Tests.Deadlines;

public sealed class when_listing_deadlines(ApiFixture fixture) : ApiTest(fixture)
{
    private sealed record Line(Guid CaseId, Guid AssetId, Guid OrderId, string Kind, string Due, int DaysLeft);

    private static List<Line> Lines(Reply r) =>
        r.Json.EnumerateArray().Select(x => new Line(
            x.GetProperty("caseId").GetGuid(), x.GetProperty("assetId").GetGuid(), x.GetProperty("orderId").GetGuid(),
            x.GetProperty("kind").GetString()!, x.GetProperty("due").GetString()!, x.GetProperty("daysLeft").GetInt32())).ToList();

    private Task<Reply> Restraint(Guid asset, Guid orderId, string? expiresOn, object[]? deadlines = null, string issuedOn = "2026-03-01") =>
        Client.Command(asset, "orders", new
        {
            commandId = Guid.NewGuid(), orderId, type = "restraint", court = "Rechtbank Amsterdam", reference = "R-" + orderId.ToString("N")[..6],
            issuedOn, expiresOn, deadlines,
        }, Tokens.Prosecutor).Ok();

    /// <summary>Deadlines as the caller sees them, once the view shows <paramref name="count"/> of them (it may lag by 2 s).</summary>
    private async Task<List<Line>> DeadlinesAsync(string before, string token, int count)
    {
        var r = await Scenarios.Eventually(() => Client.Get($"/api/deadlines?before={before}", token),
            r => r.Status == HttpStatusCode.OK && Lines(r).Count >= count);
        Assert.True(r.Status == HttpStatusCode.OK, r.ToString());
        return Lines(r);
    }

    private sealed record World(Guid CaseA, Guid AssetA1, Guid OrderA1, Guid AssetA2, Guid OrderA2, Guid CaseB, Guid AssetB1, Guid OrderB1, Guid OrderB2);

    /// <summary>
    /// Case A (FIOD): A1 restraint expiring 2026-05-01; A2 a restraint with a recognition deadline 2026-04-15.
    /// Case B (FIOD with KMAR participating): B1 restraint expiring 2026-06-30, and another expiring 2027-01-10.
    /// </summary>
    private async Task<World> GivenOrdersWithDeadlinesAsync()
    {
        var caseA = await Client.OpenCase("NL-2026-0100");
        var a1 = await Client.AddAsset(caseA);
        var a2 = await Client.AddAsset(caseA);
        var caseB = await Client.OpenCase("NL-2026-0200", agencies: ["KMAR"]);
        var b1 = await Client.AddAsset(caseB);
        var (oA1, oA2, oB1, oB2) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await Restraint(a1, oA1, "2026-05-01");
        await Restraint(a2, oA2, null, [new { kind = "recognition", due = "2026-04-15" }]);
        await Restraint(b1, oB1, "2026-06-30");
        await Restraint(b1, oB2, "2027-01-10");
        return new World(caseA, a1, oA1, a2, oA2, caseB, b1, oB1, oB2);
    }

    [Fact]
    public async Task they_are_listed_soonest_first_up_to_the_date_given()
    {
        var w = await GivenOrdersWithDeadlinesAsync();

        // The clock reads 2026-03-01T09:00Z: 2026-03-01 in Amsterdam.
        var lines = await DeadlinesAsync("2026-12-31", Tokens.Investigator, 3);

        Assert.Equal(
        [
            new Line(w.CaseA, w.AssetA2, w.OrderA2, "recognition", "2026-04-15", 45),
            new Line(w.CaseA, w.AssetA1, w.OrderA1, "order_expiry", "2026-05-01", 61),
            new Line(w.CaseB, w.AssetB1, w.OrderB1, "order_expiry", "2026-06-30", 121),
        ], lines);

        var all = await DeadlinesAsync("2027-12-31", Tokens.Prosecutor, 4);
        Assert.Equal(4, all.Count);
        Assert.Equal(new Line(w.CaseB, w.AssetB1, w.OrderB2, "order_expiry", "2027-01-10", 315), all[3]);
        Assert.Equal(all.Select(l => l.Due).Order(StringComparer.Ordinal), all.Select(l => l.Due));

        // due ≤ before, inclusive.
        var upToMay = await DeadlinesAsync("2026-05-01", Tokens.Auditor, 2);
        Assert.Equal(["2026-04-15", "2026-05-01"], upToMay.Select(l => l.Due));
        var beforeMay = await DeadlinesAsync("2026-04-30", Tokens.Auditor, 1);
        Assert.Equal(["2026-04-15"], beforeMay.Select(l => l.Due));
        Assert.Empty(await DeadlinesAsync("2026-04-14", Tokens.Auditor, 0));
    }

    [Theory]
    [InlineData(2026, 4, 30, 21, 59, 1)]  // 23:59 on 30 April in Amsterdam (CEST)
    [InlineData(2026, 4, 30, 22, 1, 0)]   // 00:01 on 1 May in Amsterdam: the day itself
    [InlineData(2026, 5, 1, 21, 59, 0)]   // 23:59 on 1 May in Amsterdam
    [InlineData(2026, 5, 1, 22, 1, -1)]   // 00:01 on 2 May in Amsterdam: past
    [InlineData(2026, 5, 3, 10, 0, -2)]
    public async Task days_left_are_counted_in_the_jurisdictions_time_zone(int y, int mo, int d, int h, int mi, int daysLeft)
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        await Restraint(asset, order, null, [new { kind = "recognition", due = "2026-05-01" }]);
        await DeadlinesAsync("2026-12-31", Tokens.Investigator, 1);

        Fixture.Clock.Reset(Instant.FromUtc(y, mo, d, h, mi));
        var lines = await DeadlinesAsync("2026-12-31", Tokens.Investigator, 1);

        var line = Assert.Single(lines);
        Assert.Equal(new Line(caseId, asset, order, "recognition", "2026-05-01", daysLeft), line);
    }

    [Fact]
    public async Task days_left_in_winter_time_switch_at_23_00_utc()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Restraint(asset, Guid.NewGuid(), "2026-03-10");

        Fixture.Clock.Reset(Instant.FromUtc(2026, 3, 9, 22, 59)); // 23:59 CET on 9 March
        Assert.Equal(1, Assert.Single(await DeadlinesAsync("2026-12-31", Tokens.Investigator, 1)).DaysLeft);
        Fixture.Clock.Reset(Instant.FromUtc(2026, 3, 9, 23, 1));  // 00:01 CET on 10 March
        Assert.Equal(0, Assert.Single(await DeadlinesAsync("2026-12-31", Tokens.Investigator, 1)).DaysLeft);
    }

    [Theory]
    [InlineData(2026, 5, 1, 3, 59, 1)]  // 23:59 on 30 April in New York (EDT)
    [InlineData(2026, 5, 1, 4, 1, 0)]   // 00:01 on 1 May in New York
    public async Task each_jurisdiction_counts_in_its_own_time_zone(int y, int mo, int d, int h, int mi, int daysLeft)
    {
        var us = Desk.US;
        var caseId = await Distribution.DistributionKit.OpenCase(Client, us);
        var asset = Guid.NewGuid();
        var added = await Client.Post($"/api/cases/{caseId}/assets", new { assetId = asset, kind = "bank_account", location = "US" }, us.Investigator);
        Assert.True(added.Status == HttpStatusCode.Created, added.ToString());
        await Client.Command(asset, "orders", new
        {
            commandId = Guid.NewGuid(), orderId = Guid.NewGuid(), type = "restraint", court = "SDNY", reference = "R-US-1",
            issuedOn = "2026-03-01", expiresOn = "2026-05-01",
        }, us.Prosecutor).Ok();

        Fixture.Clock.Reset(Instant.FromUtc(y, mo, d, h, mi));
        var line = Assert.Single(await DeadlinesAsync("2026-12-31", us.Investigator, 1));

        Assert.Equal(("order_expiry", "2026-05-01", daysLeft), (line.Kind, line.Due, line.DaysLeft));
        Assert.Empty(await DeadlinesAsync("2026-12-31", Tokens.Investigator, 0));
    }

    [Fact]
    public async Task an_order_with_an_expiry_and_a_deadline_gives_both()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        await Restraint(asset, order, "2026-09-01", [new { kind = "recognition", due = "2026-04-01" }, new { kind = "review", due = "2026-07-01" }]);

        var lines = await DeadlinesAsync("2026-12-31", Tokens.Investigator, 3);

        Assert.Equal(["recognition:2026-04-01", "review:2026-07-01", "order_expiry:2026-09-01"], lines.Select(l => $"{l.Kind}:{l.Due}"));
        Assert.All(lines, l => Assert.Equal(order, l.OrderId));
    }

    [Fact]
    public async Task other_agencies_and_jurisdictions_do_not_see_them()
    {
        var w = await GivenOrdersWithDeadlinesAsync();
        await DeadlinesAsync("2026-12-31", Tokens.Investigator, 3);

        var otherAgency = await DeadlinesAsync("2026-12-31", Tokens.For("investigator", "NL", "POLITIE"), 0);
        Assert.Empty(otherAgency);

        // KMAR participates in case B only.
        var participating = await DeadlinesAsync("2026-12-31", Tokens.For("investigator", "NL", "KMAR"), 1);
        Assert.All(participating, l => Assert.Equal(w.CaseB, l.CaseId));
        Assert.Equal(["2026-06-30"], participating.Select(l => l.Due));

        Assert.Empty(await DeadlinesAsync("2026-12-31", Tokens.For("investigator", "BE", "FIOD"), 0));
        Assert.Empty(await DeadlinesAsync("2026-12-31", Tokens.For("auditor", "DE", "FIOD"), 0));
    }

    /// <summary>
    /// The list's query reads only the assets with deadlines, through the partial index that holds
    /// them: with many assets without deadlines (analysed) and scans of the whole table turned off,
    /// the plan shows the index.
    /// </summary>
    [Fact]
    public async Task the_list_reads_its_assets_through_their_partial_index()
    {
        await GivenOrdersWithDeadlinesAsync();
        var caseId = await Client.OpenCase();
        for (var i = 0; i < 150; i++) await Client.AddAsset(caseId);
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await new NpgsqlCommand("analyze assetledger.mt_doc_asset", conn).ExecuteNonQueryAsync();
        var index = (string?)await new NpgsqlCommand(
            "select indexname || ' ' || indexdef from pg_indexes where schemaname = 'assetledger' and tablename = 'mt_doc_asset' and indexdef like '%hasDeadlines%'", conn).ExecuteScalarAsync();
        Assert.NotNull(index);
        Assert.Contains(" WHERE ", index); // partial: the assets without deadlines are not in it
        var name = index.Split(' ')[0];

        await using var session = Fixture.Store.QuerySession("NL");
        var query = DeadlineEndpoints.AssetsWithDeadlines(session).ToCommand(Marten.Linq.FetchType.FetchMany);
        await using var tx = await conn.BeginTransactionAsync();
        await new NpgsqlCommand("set local enable_seqscan = off", conn, tx).ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("explain " + query.CommandText, conn, tx);
        foreach (NpgsqlParameter p in query.Parameters) explain.Parameters.Add(p.Clone());
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        Assert.True(plan.Any(line => line.Contains(name)), $"{index}\n{query.CommandText}\n{string.Join("\n", plan)}");
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan"));
    }

    [Theory]
    [InlineData("treasury")]
    [InlineData("admin")]
    public async Task roles_without_deadlines_get_a_403(string role)
    {
        var r = await Client.Get("/api/deadlines?before=2026-12-31", Tokens.For(role));
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("31-12-2026")]
    public async Task a_bad_before_is_a_400(string before)
    {
        var r = await Client.Get($"/api/deadlines?before={Uri.EscapeDataString(before)}", Tokens.Investigator);

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("application/problem+json", r.ContentHeaders!.ContentType!.MediaType);
        Assert.True(r["errors"].TryGetProperty("before", out _), r.ToString());
    }

    [Fact]
    public async Task a_restraint_order_reads_expired_once_its_expiry_is_before_today_in_amsterdam()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        await Restraint(asset, order, "2026-05-01");

        string StatusOf(Reply r) => r["orders"].EnumerateArray().Single(o => o.GetProperty("orderId").GetGuid() == order).GetProperty("status").GetString()!;

        Assert.Equal("in_force", StatusOf(await Client.Get($"/api/assets/{asset}", Tokens.Investigator)));

        Fixture.Clock.Reset(Instant.FromUtc(2026, 5, 1, 21, 59)); // 23:59 on 1 May in Amsterdam: still the last day
        var lastDay = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal(HttpStatusCode.OK, lastDay.Status);
        Assert.Equal("in_force", StatusOf(lastDay));

        Fixture.Clock.Reset(Instant.FromUtc(2026, 5, 1, 22, 1)); // 00:01 on 2 May in Amsterdam
        var expired = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal("expired", StatusOf(expired));
        Assert.Equal("2026-05-01", expired["orders"][0].GetProperty("expiresOn").GetString());

        // Still listed as a deadline, now past.
        var line = Assert.Single(await DeadlinesAsync("2026-12-31", Tokens.Investigator, 1));
        Assert.Equal(("order_expiry", -1), (line.Kind, line.DaysLeft));
    }

    [Fact]
    public async Task a_confiscation_order_never_reads_expired()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        await Client.Freeze(asset).Ok();
        await Client.Command(asset, "orders", new
        {
            commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam", reference = "C-9",
            issuedOn = "2026-03-01", expiresOn = "2026-04-01",
        }, Tokens.Prosecutor).Ok();

        Fixture.Clock.Reset(Instant.FromUtc(2026, 6, 1, 9, 0));
        var r = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);

        Assert.Equal("in_force", r["orders"][0].GetProperty("status").GetString());
    }
}
