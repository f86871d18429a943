using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Distribution;

public sealed class when_settling_and_reconciling(ApiFixture fixture) : ApiTest(fixture)
{
    private readonly Desk nl = Desk.NL;

    /// <summary>A reconciliation row as strings: payeeType,payeeId,currency,due,settled,outstanding,distributions.</summary>
    private sealed record Row(string PayeeType, string PayeeId, string Currency, string Due, string Settled, string Outstanding, int Distributions)
    {
        public string Csv => $"{PayeeType},{PayeeId},{Currency},{Due},{Settled},{Outstanding},{Distributions}";
    }

    private static List<Row> Rows(Reply r) =>
        r["rows"].EnumerateArray().Select(x => new Row(
            x.GetProperty("payee").GetProperty("type").GetString()!, x.GetProperty("payee").GetProperty("id").GetString()!,
            x.GetProperty("currency").GetString()!, x.GetProperty("due").Amount(), x.GetProperty("settled").Amount(),
            x.GetProperty("outstanding").Amount(), x.GetProperty("distributions").GetInt32()))
        .OrderBy(x => x.Csv, StringComparer.Ordinal).ToList();

    private Task<Reply> ReconciliationAsync(Desk desk, string query = "", string? accept = null) =>
        Client.Get("/api/treasury/reconciliation" + query, desk.Treasury, accept);

    /// <summary>The reconciliation once it shows the expected rows (it may lag by up to 2 seconds).</summary>
    private async Task<List<Row>> RowsWhenCaughtUp(Desk desk, IReadOnlyCollection<Row> expected, string query = "")
    {
        var r = await Eventually(() => ReconciliationAsync(desk, query),
            x => x.Status == HttpStatusCode.OK && Rows(x).SequenceEqual(expected.OrderBy(e => e.Csv, StringComparer.Ordinal)));
        Assert.True(r.Status == HttpStatusCode.OK, r.ToString());
        return Rows(r);
    }

    private async Task<(Guid Case, Reply Distribution)> Example1Async()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00", "12000.00");
        return (caseId, await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE")));
    }

    [Fact]
    public async Task partial_settlements_are_allowed_and_a_fully_paid_allocation_reads_settled()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var de = d.Allocation("state", "DE").Id();

        var partial = await Client.Settle(nl, caseId, did, de, "100000.00", "EUR");
        Assert.True(partial.Status == HttpStatusCode.OK, partial.ToString());
        Assert.Equal("100000.00", partial.Allocation("state", "DE").GetProperty("settled").Amount());
        Assert.Equal("due", partial.Allocation("state", "DE").GetProperty("status").GetString());

        var rest = await Client.Settle(nl, caseId, did, de, "25000.00", "EUR");
        Assert.True(rest.Status == HttpStatusCode.OK, rest.ToString());
        Assert.Equal("125000.00", rest.Allocation("state", "DE").GetProperty("settled").Amount());
        Assert.Equal("settled", rest.Allocation("state", "DE").GetProperty("status").GetString());
        Assert.Equal("retained", rest.Allocation("treasury", "NL").GetProperty("status").GetString());

        var read = await Client.Get($"/api/cases/{caseId}/distributions/{did}", nl.Auditor);
        Assert.Equal("settled", read.Allocation("state", "DE").GetProperty("status").GetString());
        Assert.Equal("125000.00", read.Allocation("state", "DE").GetProperty("settled").Amount());
    }

    [Fact]
    public async Task a_repeated_settlement_is_idempotent_and_appends_nothing()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var de = d.Allocation("state", "DE").Id();
        var commandId = Guid.NewGuid();

        await Client.Settle(nl, caseId, did, de, "1000.00", "EUR", commandId).Ok();
        var events = await Fixture.EventCountAsync();
        var again = await Client.Post($"/api/cases/{caseId}/distributions/{did}/settlements", new
        {
            commandId, allocationId = de, amount = new { amount = 1000, currency = "EUR" }, settledOn = "2026-07-01", bankReference = "TRX-" + de.ToString("N")[..8],
        }, nl.Treasury);
        var different = await Client.Settle(nl, caseId, did, de, "2000.00", "EUR", commandId);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("1000.00", again.Allocation("state", "DE").GetProperty("settled").Amount());
        Assert.Equal(HttpStatusCode.Conflict, different.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task over_settlement_is_a_409_and_appends_nothing()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var de = d.Allocation("state", "DE").Id();
        var events = await Fixture.EventCountAsync();

        var tooMuch = await Client.Settle(nl, caseId, did, de, "125000.01", "EUR");
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());

        await Client.Settle(nl, caseId, did, de, "124999.99", "EUR").Ok();
        events = await Fixture.EventCountAsync();
        var oneCentTooMany = await Client.Settle(nl, caseId, did, de, "0.02", "EUR");
        Assert.Equal(HttpStatusCode.Conflict, oneCentTooMany.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());

        var last = await Client.Settle(nl, caseId, did, de, "0.01", "EUR");
        Assert.Equal("settled", last.Allocation("state", "DE").GetProperty("status").GetString());
        events = await Fixture.EventCountAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await Client.Settle(nl, caseId, did, de, "0.01", "EUR")).Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task concurrent_settlements_never_over_settle()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var de = d.Allocation("state", "DE").Id();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Client.Settle(nl, caseId, did, de, "50000.00", "EUR")));

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, r.ToString()));
        Assert.Equal(2, replies.Count(r => r.Status == HttpStatusCode.OK));
        var read = await Client.Get($"/api/cases/{caseId}/distributions/{did}", nl.Treasury);
        Assert.Equal("100000.00", read.Allocation("state", "DE").GetProperty("settled").Amount());
    }

    [Theory]
    [InlineData("0.00")]
    [InlineData("-1.00")]
    [InlineData("1.001")]
    public async Task a_settlement_of_no_or_a_bad_amount_is_a_400(string amount)
    {
        var (caseId, d) = await Example1Async();
        var events = await Fixture.EventCountAsync();

        var r = await Client.Settle(nl, caseId, d["distributionId"].GetGuid(), d.Allocation("state", "DE").Id(), amount, "EUR");

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task settling_a_retained_allocation_is_a_409()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var events = await Fixture.EventCountAsync();

        var r = await Client.Settle(nl, caseId, did, d.Allocation("treasury", "NL").Id(), "1.00", "EUR");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task an_unknown_distribution_is_a_404()
    {
        var (caseId, d) = await Example1Async();
        var de = d.Allocation("state", "DE").Id();
        var events = await Fixture.EventCountAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await Client.Settle(nl, caseId, Guid.NewGuid(), de, "1.00", "EUR")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Settle(nl, Guid.NewGuid(), d["distributionId"].GetGuid(), de, "1.00", "EUR")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{caseId}/distributions/{Guid.NewGuid()}", nl.Treasury)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{caseId}/distributions/not-a-uuid", nl.Treasury)).Status);
        // An investigator of an agency that is not on the case cannot tell it exists either.
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{caseId}/distributions/{d["distributionId"].GetGuid()}", Tokens.For("investigator", "NL", "KMAR"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/cases/{caseId}/distributions/{d["distributionId"].GetGuid()}", nl.Investigator)).Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task only_treasury_settles()
    {
        var (caseId, d) = await Example1Async();
        var did = d["distributionId"].GetGuid();
        var body = new { commandId = Guid.NewGuid(), allocationId = d.Allocation("state", "DE").Id(), amount = Money("1.00", "EUR"), settledOn = "2026-07-01", bankReference = "X" };
        var events = await Fixture.EventCountAsync();

        foreach (var token in new[] { nl.Investigator, nl.Prosecutor, nl.Auditor, nl.Admin })
            Assert.Equal(HttpStatusCode.Forbidden, (await Client.Post($"/api/cases/{caseId}/distributions/{did}/settlements", body, token)).Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task reconciliation_lists_each_payee_and_currency_but_never_our_own_treasury()
    {
        // Case 1: DE 125,000.00 (100,000.00 paid). Case 2: victim V-7 10,000.00 (paid), DE 20,000.00.
        // Case 3 in GBP under a bilateral agreement: DE GBP 10,000.00.
        var (case1, d1) = await Example1Async();
        var case2 = await Client.OpenCase(nl);
        await Client.Claim(nl, case2, "V-7", "10000.00");
        await Client.RealisedAsset(nl, case2, "50000.00");
        var d2 = await Client.Distributed(nl, case2, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));
        var case3 = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, case3, "20000.00", "500.00", "GBP");
        var d3 = await Client.Distributed(nl, case3, Body(Guid.NewGuid(), "bilateral", "DE", new { counterpartyPercent = "50", deductCosts = false }));
        AssertDistribution(d3, "bilateral", "20000.00", "GBP",
            new("share", "state", "DE", "10000.00", "due"),
            new("share", "treasury", "NL", "10000.00", "retained"));

        await Client.Settle(nl, case1, d1["distributionId"].GetGuid(), d1.Allocation("state", "DE").Id(), "100000.00", "EUR").Ok();
        await Client.Settle(nl, case2, d2["distributionId"].GetGuid(), d2.Allocation("victim", "V-7", "victim").Id(), "10000.00", "EUR").Ok();

        var all = new[]
        {
            new Row("state", "DE", "EUR", "145000.00", "100000.00", "45000.00", 2),
            new Row("state", "DE", "GBP", "10000.00", "0.00", "10000.00", 1),
            new Row("victim", "V-7", "EUR", "10000.00", "10000.00", "0.00", 1),
        };
        var rows = await RowsWhenCaughtUp(nl, all);
        Assert.Equal(all.OrderBy(r => r.Csv, StringComparer.Ordinal), rows);
        Assert.DoesNotContain(rows, r => r.PayeeType == "treasury");

        var eurOnly = await RowsWhenCaughtUp(nl, all.Where(r => r.Currency == "EUR").ToList(), "?currency=EUR");
        Assert.All(eurOnly, r => Assert.Equal("EUR", r.Currency));
        Assert.Equal(2, eurOnly.Count);

        var auditor = await Client.Get("/api/treasury/reconciliation", nl.Auditor);
        Assert.Equal(HttpStatusCode.OK, auditor.Status);
        Assert.Equal(rows, Rows(auditor));
    }

    [Fact]
    public async Task reconciliation_downloads_as_csv_with_the_exact_header()
    {
        var (caseId, d) = await Example1Async();
        await Client.Settle(nl, caseId, d["distributionId"].GetGuid(), d.Allocation("state", "DE").Id(), "0.01", "EUR").Ok();
        await RowsWhenCaughtUp(nl, [new Row("state", "DE", "EUR", "125000.00", "0.01", "124999.99", 1)]);

        foreach (var (query, accept) in new[] { ("?format=csv", (string?)null), ("", "text/csv") })
        {
            var csv = await ReconciliationAsync(nl, query, accept);
            Assert.True(csv.Status == HttpStatusCode.OK, csv.ToString());
            Assert.Equal("text/csv", csv.ContentHeaders!.ContentType!.MediaType);
            var lines = csv.Raw.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
            Assert.Equal(["payeeType,payeeId,currency,due,settled,outstanding,distributions", "state,DE,EUR,125000.00,0.01,124999.99,1"], lines);
        }

        var auditorCsv = await Client.Get("/api/treasury/reconciliation?format=csv", nl.Auditor);
        Assert.Equal(HttpStatusCode.OK, auditorCsv.Status);
        Assert.StartsWith("payeeType,payeeId,currency,due,settled,outstanding,distributions", auditorCsv.Raw);
    }

    /// <summary>RFC 4180 fields of one CSV text (quoted fields may hold commas, quotes and line breaks).</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }

    [Fact]
    public async Task csv_cells_are_escaped_and_never_start_a_formula()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "100000.00");
        const string comma = "Police, \"LA\"";
        const string formula = "=HYPERLINK(\"http://x\")";
        var d = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "us-equitable", parameters: new
        {
            agencies = new[] { new { agency = comma, contributionPercent = "40" }, new { agency = formula, contributionPercent = "20" } },
        }));
        AssertDistribution(d, "us-equitable", "100000.00", "EUR",
            new("share", "agency", comma, "40000.00", "due"),
            new("share", "agency", formula, "20000.00", "due"),
            new("share", "treasury", "NL", "40000.00", "retained"));
        await RowsWhenCaughtUp(nl,
        [
            new Row("agency", comma, "EUR", "40000.00", "0.00", "40000.00", 1),
            new Row("agency", formula, "EUR", "20000.00", "0.00", "20000.00", 1),
        ]);

        var csv = await ReconciliationAsync(nl, "?format=csv");
        var rows = ParseCsv(csv.Raw);

        Assert.Equal(["payeeType", "payeeId", "currency", "due", "settled", "outstanding", "distributions"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(7, r.Count));
        Assert.Contains(rows, r => r[1] == comma && r[3] == "40000.00");
        var formulaRow = Assert.Single(rows, r => r[3] == "20000.00");
        Assert.False(formulaRow[1].StartsWith('='), formulaRow[1]);
        Assert.Contains("HYPERLINK", formulaRow[1]);
    }

    [Fact]
    public async Task an_empty_reconciliation_is_just_the_header_in_csv()
    {
        var json = await ReconciliationAsync(nl);
        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Empty(json["rows"].EnumerateArray());

        var csv = await ReconciliationAsync(nl, "?format=csv");
        Assert.Equal("payeeType,payeeId,currency,due,settled,outstanding,distributions", csv.Raw.Trim());
    }

    [Theory]
    [InlineData("investigator")]
    [InlineData("prosecutor")]
    [InlineData("admin")]
    public async Task other_roles_may_not_read_the_reconciliation(string role)
    {
        var r = await Client.Get("/api/treasury/reconciliation", Tokens.For(role));
        var csv = await Client.Get("/api/treasury/reconciliation?format=csv", Tokens.For(role));

        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Equal(HttpStatusCode.Forbidden, csv.Status);
    }

    [Fact]
    public async Task another_jurisdictions_distributions_never_show_up()
    {
        var es = Desk.ES;
        var esCase = await Client.OpenCase(es);
        await Client.RealisedAsset(es, esCase, "250000.00");
        await Client.Claim(es, esCase, "V-ES", "40000.00");
        var esDistribution = await Client.Distributed(es, esCase, Body(Guid.NewGuid(), "eu-2018-1805", "IT"));
        var esDid = esDistribution["distributionId"].GetGuid();
        var (nlCase, nlDistribution) = await Example1Async();

        var esRows = new[]
        {
            new Row("state", "IT", "EUR", "105000.00", "0.00", "105000.00", 1),
            new Row("victim", "V-ES", "EUR", "40000.00", "0.00", "40000.00", 1),
        };
        Assert.Equal(esRows, await RowsWhenCaughtUp(es, esRows));
        var nlRows = await RowsWhenCaughtUp(nl, [new Row("state", "DE", "EUR", "125000.00", "0.00", "125000.00", 1)]);
        Assert.DoesNotContain(nlRows, r => r.PayeeId is "IT" or "V-ES" or "ES");
        var nlCsv = await ReconciliationAsync(nl, "?format=csv");
        Assert.DoesNotContain("V-ES", nlCsv.Raw);
        Assert.DoesNotContain(",IT,", nlCsv.Raw);

        // NL cannot read or settle the ES distribution, and cannot tell it exists.
        var events = await Fixture.EventCountAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{esCase}/distributions/{esDid}", nl.Treasury)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Settle(nl, esCase, esDid, esDistribution.Allocation("state", "IT").Id(), "1.00", "EUR")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{nlCase}/distributions/{nlDistribution["distributionId"].GetGuid()}", es.Auditor)).Status);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    // ---------------------------------------------------------------------------------------------
    // The reconciliation equals what the raw distribution and settlement events say.

    private sealed record RawAllocation(Guid DistributionId, string PayeeType, string PayeeId, string Currency, decimal Amount, bool Retained);

    private static string Lower(JsonElement e) => e.GetString()!.Replace("_", "").ToLowerInvariant();

    private static (string Currency, decimal Amount) MoneyOf(JsonElement m)
    {
        var a = m.GetProperty("amount");
        var amount = a.ValueKind == JsonValueKind.String ? Dec(a.GetString()!) : a.GetDecimal();
        return (m.GetProperty("currency").GetString()!, amount);
    }

    /// <summary>Recomputes the reconciliation rows of one jurisdiction from mt_events, independently of the service.</summary>
    private async Task<List<Row>> RowsFromRawEventsAsync(string jurisdiction)
    {
        var allocations = new Dictionary<Guid, RawAllocation>();
        var settled = new Dictionary<Guid, decimal>();
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select type, data::text from assetledger.mt_events where tenant_id = @t and type in ('distribution_computed', 'allocation_settled') order by seq_id", conn);
        cmd.Parameters.AddWithValue("t", jurisdiction);
        var seenComputed = 0;
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                using var doc = JsonDocument.Parse(reader.GetString(1));
                var data = doc.RootElement;
                if (reader.GetString(0) == "distribution_computed")
                {
                    seenComputed++;
                    var did = data.GetProperty("distributionId").GetGuid();
                    foreach (var stored in data.GetProperty("allocations").EnumerateArray())
                    {
                        var a = stored.GetProperty("allocation");
                        var (currency, amount) = MoneyOf(a.GetProperty("amount"));
                        allocations.Add(stored.GetProperty("allocationId").GetGuid(), new RawAllocation(did,
                            Lower(a.GetProperty("payee").GetProperty("type")), a.GetProperty("payee").GetProperty("id").GetString()!,
                            currency, amount, a.GetProperty("retained").GetBoolean()));
                    }
                }
                else
                {
                    var id = data.GetProperty("allocationId").GetGuid();
                    var (currency, amount) = MoneyOf(data.GetProperty("amount"));
                    Assert.Equal(allocations[id].Currency, currency);
                    Assert.Equal(allocations[id].DistributionId, data.GetProperty("distributionId").GetGuid());
                    settled[id] = settled.GetValueOrDefault(id) + amount;
                }
            }
        }
        Assert.True(seenComputed > 0, "no distribution_computed events found in mt_events");

        return allocations
            .Where(a => !a.Value.Retained && a.Value.PayeeType != "treasury")
            .GroupBy(a => (a.Value.PayeeType, a.Value.PayeeId, a.Value.Currency))
            .Select(g =>
            {
                var due = g.Sum(a => a.Value.Amount);
                var paid = g.Sum(a => settled.GetValueOrDefault(a.Key));
                return new Row(g.Key.PayeeType, g.Key.PayeeId, g.Key.Currency, Fmt(due, g.Key.Currency), Fmt(paid, g.Key.Currency),
                    Fmt(due - paid, g.Key.Currency), g.Select(a => a.Value.DistributionId).Distinct().Count());
            })
            .OrderBy(r => r.Csv, StringComparer.Ordinal)
            .ToList();
    }

    private static decimal Cents(Random rnd, int minEuros, int maxEuros) => rnd.NextInt64(minEuros * 100L, maxEuros * 100L + 1) / 100m;

    private static object RandomRegime(Random rnd, out string regime, out string? counterparty)
    {
        string[] states = ["DE", "BE", "FR", "IT"];
        string[] agencies = ["PD-LA", "NCA", "CPS", "KMAR", "POL-A"];
        counterparty = states[rnd.Next(states.Length)];
        switch (rnd.Next(7))
        {
            case 0: regime = "eu-2018-1805"; return new { };
            case 1: regime = "fd-2006-783"; return new { };
            case 2: regime = "bilateral"; return new { counterpartyPercent = rnd.Next(0, 101).ToString(), deductCosts = rnd.Next(2) == 0 };
            case 3: regime = "uncac-57"; return new { expenses = (object?)null };
            case 4:
                regime = "us-equitable"; counterparty = null;
                var picked = agencies.OrderBy(_ => rnd.Next()).Take(rnd.Next(1, 4)).ToArray();
                return new { agencies = picked.Select(a => new { agency = a, contributionPercent = rnd.Next(5, 61).ToString() }).ToArray() };
            case 5:
                regime = "uk-aris"; counterparty = null;
                return new { investigatingAgency = agencies[rnd.Next(agencies.Length)], prosecutingAgency = agencies[rnd.Next(agencies.Length)] };
            default: regime = "domestic"; counterparty = null; return new { };
        }
    }

    [Fact]
    public async Task the_reconciliation_equals_the_raw_distribution_and_settlement_events()
    {
        var rnd = new Random(20260301);
        var settlements = 0;
        foreach (var currency in new[] { "EUR", "EUR", "GBP", "EUR", "USD" })
        {
            var caseId = await Client.OpenCase(nl);
            var claims = rnd.Next(0, 3);
            for (var v = 0; v < claims; v++)
                await Client.Claim(nl, caseId, $"V-{rnd.Next(1, 4)}", Fmt(Cents(rnd, 100, 3000), currency), currency, rnd.Next(2) == 0 ? rnd.Next(1, 4) : null);

            var assets = rnd.Next(1, 4);
            for (var i = 0; i < assets; i++)
            {
                var gross = Cents(rnd, 5000, 400000);
                var costs = Cents(rnd, 0, 5000);
                var asset = await Client.RealisedAsset(nl, caseId, Fmt(gross, currency), Fmt(costs, currency), currency);
                var parameters = RandomRegime(rnd, out var regime, out var counterparty);
                var fx = regime is "eu-2018-1805" or "fd-2006-783" && currency != "EUR"
                    ? new[] { Rate("EUR", currency, currency == "GBP" ? "0.85" : "1.08", "threshold") } : null;
                var d = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), regime, counterparty, parameters, [asset], fx: fx));
                var did = d["distributionId"].GetGuid();
                Assert.Equal(Dec(d["base"].Amount()), d.Allocations().Sum(a => Dec(a.GetProperty("amount").Amount())));

                foreach (var a in d.Allocations().Where(a => a.GetProperty("status").GetString() == "due"))
                {
                    var remaining = Dec(a.GetProperty("amount").Amount());
                    for (var k = rnd.Next(0, 3); k > 0 && remaining > 0; k--)
                    {
                        var pay = rnd.Next(3) == 0 ? remaining : Math.Max(0.01m, Math.Round(remaining * (decimal)rnd.NextDouble(), 2, MidpointRounding.ToZero));
                        await Client.Settle(nl, caseId, did, a.Id(), Fmt(pay, currency), currency).Ok();
                        remaining -= pay;
                        settlements++;
                    }
                }
            }
        }
        Assert.True(settlements > 5, $"only {settlements} settlements");

        // Noise in another jurisdiction must not leak into NL's view (nor into the NL recomputation).
        var es = Desk.ES;
        var esCase = await Client.OpenCase(es);
        await Client.RealisedAsset(es, esCase, "99999.99");
        var esD = await Client.Distributed(es, esCase, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));
        await Client.Settle(es, esCase, esD["distributionId"].GetGuid(), esD.Allocation("state", "DE").Id(), "10.00", "EUR").Ok();

        var expected = await RowsFromRawEventsAsync("NL");
        Assert.NotEmpty(expected);
        var rows = await RowsWhenCaughtUp(nl, expected);
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i], rows[i]);

        var csv = await ReconciliationAsync(nl, "?format=csv");
        var csvRows = csv.Raw.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Skip(1).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(r => r.Csv).Order(StringComparer.Ordinal), csvRows);

        foreach (var currency in new[] { "EUR", "GBP", "USD" })
        {
            var filtered = Rows(await ReconciliationAsync(nl, "?currency=" + currency));
            Assert.Equal(expected.Where(r => r.Currency == currency), filtered);
        }

        Assert.Equal(await RowsFromRawEventsAsync("ES"), await RowsWhenCaughtUp(es, await RowsFromRawEventsAsync("ES")));
    }
}
