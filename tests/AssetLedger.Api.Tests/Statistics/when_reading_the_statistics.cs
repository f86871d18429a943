using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Distribution;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;
using NodaTime;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Statistics;

/// <summary>
/// GET /api/statistics and its drill-down over data recorded through the API, every figure checked against
/// <see cref="RawStatistics"/> (SQL over the raw event rows), plus reruns, asOf, roles, isolation, CSV and 400s.
/// </summary>
public sealed class when_reading_the_statistics(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Year = "from=2026-01-01&to=2026-12-31";
    private static readonly Desk Nl = Desk.NL, Kmar = new("NL", "KMAR");

    private sealed record Given(Guid CaseA, Guid CaseB, Guid Account, Guid Car, Guid LateCash, Guid House, Instant AfterAll);

    private async Task<Guid> OpenCase(Desk desk, params string[] offences)
    {
        var id = Guid.NewGuid();
        var r = await Client.Post("/api/cases", new { caseId = id, reference = $"NL-2026-{Guid.NewGuid().ToString("N")[..8]}", title = "Operation Ledger", offences, participatingAgencies = Array.Empty<string>() }, desk.Investigator);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    private Task<Reply> Freeze(Guid asset, string frozenAt, object? amount, string reference, Desk desk) =>
        Client.Command(asset, "freeze", new { commandId = Guid.NewGuid(), orderReference = reference, frozenAt, amount }, desk.Investigator).Ok();

    /// <summary>
    /// Case A (FIOD; trafficking and money laundering): an account frozen at EUR 120,000, confiscated, realised and
    /// distributed with a victim paid; a car valued in USD then frozen without an amount; cash frozen at 23:30 UTC on
    /// 31 December (1 January in Amsterdam: outside 2026); a house seized, valued in JPY, confiscated and realised.
    /// Case B (KMAR, money laundering): one frozen vehicle. Spain records a freezing of its own. One outgoing certificate.
    /// </summary>
    private async Task<Given> GivenARegister()
    {
        var caseA = await OpenCase(Nl, "trafficking_in_human_beings", "money_laundering");
        var account = await Client.AddAsset(caseA, "bank_account");
        await Freeze(account, "2026-03-01T10:00:00Z", Money("120000.00"), "R-1", Nl);
        var order = Guid.NewGuid();
        await Client.OrderConfiscation(account, order).Ok();
        await Client.Finality(account, order).Ok();
        await Client.Realise(account, "250000.00", "12000.00", "1000.00").Ok();

        var car = await Client.AddAsset(caseA, "vehicle");
        await Client.Value(car, "30000.50", "USD").Ok();
        await Freeze(car, "2026-03-15T10:00:00Z", null, "R-1", Nl);

        var lateCash = await Client.AddAsset(caseA, "cash");
        await Freeze(lateCash, "2026-12-31T23:30:00Z", null, "R-2", Nl);

        var house = await Client.AddAsset(caseA, "real_estate");
        await Client.Seize(house).Ok();
        await Client.Value(house, "5000000", "JPY").Ok();
        var houseOrder = Guid.NewGuid();
        await Client.OrderConfiscation(house, houseOrder).Ok();
        await Client.Finality(house, houseOrder).Ok();
        await Client.Realise(house, "4800000", "100000", currency: "JPY").Ok();

        await Client.Claim(Nl, caseA, "V-1", "1000.00");
        await Client.Distributed(Nl, caseA, Body(Guid.NewGuid(), "domestic", assetIds: [account]));

        var caseB = await OpenCase(Kmar, "money_laundering");
        var kmarCar = await Client.AddAsset(caseB, "vehicle", Kmar.Investigator);
        await Freeze(kmarCar, "2026-04-01T10:00:00Z", Money("5000.00"), "R-K", Kmar);

        var es = await Client.OpenCase(Desk.ES);
        await Client.Freeze(await Client.AddAsset(es, token: Desk.ES.Investigator, location: "ES"), Desk.ES).Ok();

        await Client.IssuedCertificate();
        Fixture.Clock.Advance(Duration.FromMinutes(1));
        return new Given(caseA, caseB, account, car, lateCash, house, Fixture.Clock.GetCurrentInstant());
    }

    private Task<Reply> Stats(string token, string query = Year, string? accept = null) => Client.Get("/api/statistics?" + query, token, accept);

    private static JsonElement Figure(Reply r, string id) => r["figures"].EnumerateArray().Single(f => f.GetProperty("figure").GetString() == id);

    private static string Line(Reply r, string id) => RawStatistics.ValueOf(Figure(r, id)).ToString();

    private Task<RawStatistics> RawAsync(Instant asOf, string? agency = null) =>
        RawStatistics.ComputeAsync(Fixture.ConnectionString, "NL", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), asOf.ToDateTimeOffset(), "Europe/Amsterdam", agency);

    private static IEnumerable<string> FigureIds(Reply r) => r["figures"].EnumerateArray().Select(f => f.GetProperty("figure").GetString()!);

    [Fact]
    public async Task every_figure_equals_the_recomputation_from_the_raw_events()
    {
        var given = await GivenARegister();
        var asOf = Envelope(given.AfterAll);

        var auditor = await Stats(Nl.Auditor, $"{Year}&asOf={asOf}").Ok();
        var raw = await RawAsync(given.AfterAll);

        Assert.Equal(raw.Lines(FigureIds(auditor)), RawStatistics.LinesOf(auditor.Json));
        // The oracle is not empty, and its numbers are the ones recorded above.
        Assert.Equal("count=3", Line(auditor, "assets_frozen"));           // account, car, KMAR's vehicle; not the late cash, not Spain's
        Assert.Equal("count=2", Line(auditor, "freezing_orders"));         // R-1 (account and car, once) and R-K; R-2 froze the late cash
        Assert.Equal("count=3 EUR=125000 USD=30000.5", Line(auditor, "value_frozen"));
        Assert.Equal("count=2", Line(auditor, "confiscation_orders"));
        Assert.Equal("count=2 EUR=250000 JPY=4800000", Line(auditor, "realised_gross"));
        Assert.Equal("count=2 EUR=249000 JPY=4800000", Line(auditor, "realised_kept"));
        Assert.Equal("count=1 JPY=5000000", Line(auditor, "value_confiscated"));   // the house; the account was never valued
        Assert.Equal("count=1", Line(auditor, "confiscated_without_estimate"));
        Assert.Equal("count=1 EUR=1000", Line(auditor, "paid_to_victims"));
        Assert.Equal("count=1", Line(auditor, "cases_paying_victims"));
        Assert.Equal("count=1", Line(auditor, "certificates_outgoing_issued"));
        Assert.Equal("count=2 meanDays=92.5", Line(auditor, "days_to_realisation")); // 93 days (frozen 1 March) and 92 (seized 2 March) to 2 June
        Assert.Equal("NL", auditor.Str("jurisdiction"));
        Assert.Equal("Europe/Amsterdam", auditor.Str("timeZone"));
    }

    [Fact]
    public async Task a_prosecutor_sees_the_figures_of_the_cases_of_the_agency_only()
    {
        var given = await GivenARegister();
        var asOf = Envelope(given.AfterAll);

        var fiod = await Stats(Nl.Prosecutor, $"{Year}&asOf={asOf}").Ok();
        var kmar = await Stats(Kmar.Prosecutor, $"{Year}&asOf={asOf}").Ok();

        Assert.Equal((await RawAsync(given.AfterAll, "FIOD")).Lines(FigureIds(fiod)), RawStatistics.LinesOf(fiod.Json));
        Assert.Equal((await RawAsync(given.AfterAll, "KMAR")).Lines(FigureIds(kmar)), RawStatistics.LinesOf(kmar.Json));
        Assert.Equal("count=2", Line(fiod, "assets_frozen"));
        Assert.Equal("count=1", Line(kmar, "assets_frozen"));
        Assert.Equal("count=0", Line(kmar, "assets_realised"));
    }

    [Fact]
    public async Task another_jurisdiction_sees_nothing_of_ours()
    {
        var given = await GivenARegister();
        var spain = await Stats(Desk.ES.Auditor, $"{Year}&asOf={Envelope(given.AfterAll)}").Ok();
        var raw = await RawStatistics.ComputeAsync(Fixture.ConnectionString, "ES", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), given.AfterAll.ToDateTimeOffset(), "Europe/Madrid");

        Assert.Equal(raw.Lines(FigureIds(spain)), RawStatistics.LinesOf(spain.Json));
        Assert.Equal("count=1 EUR=120000", Line(spain, "value_frozen"));
        Assert.Equal("count=0", Line(spain, "assets_realised"));
        Assert.Equal("count=0", Line(spain, "certificates_outgoing_issued"));
        Assert.Equal("Europe/Madrid", spain.Str("timeZone"));
    }

    [Fact]
    public async Task a_rerun_with_the_same_parameters_is_byte_for_byte_equal_and_states_its_as_of()
    {
        var given = await GivenARegister();
        var query = $"{Year}&asOf={Envelope(given.AfterAll)}";

        var first = await Stats(Nl.Treasury, query).Ok();
        Fixture.Clock.Advance(Duration.FromDays(3));
        var second = await Stats(Nl.Treasury, query).Ok();
        var csv1 = await Stats(Nl.Treasury, query + "&format=csv");
        var csv2 = await Stats(Nl.Treasury, query, "text/csv");
        var byDefault = await Stats(Nl.Treasury).Ok();

        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(csv1.Raw, csv2.Raw);
        Assert.Equal(Envelope(given.AfterAll), first.Str("asOf"));
        Assert.Equal(Envelope(Fixture.Clock.GetCurrentInstant()), byDefault.Str("asOf"));
    }

    [Fact]
    public async Task as_of_before_a_later_event_leaves_it_out()
    {
        var caseId = await OpenCase(Nl, "money_laundering");
        var (asset, _) = await Client.Confiscated(caseId);
        var beforeSale = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.Advance(Duration.FromHours(1));
        await Client.Realise(asset, "1000.00").Ok();
        var after = Fixture.Clock.GetCurrentInstant();

        var then = await Stats(Nl.Auditor, $"{Year}&asOf={Envelope(beforeSale)}").Ok();
        var now = await Stats(Nl.Auditor, $"{Year}&asOf={Envelope(after)}").Ok();

        Assert.Equal("count=0", Line(then, "assets_realised"));
        Assert.Equal("count=1", Line(then, "assets_confiscated"));
        Assert.Equal("count=1", Line(now, "assets_realised"));
        Assert.Equal((await RawAsync(beforeSale)).Lines(FigureIds(then)), RawStatistics.LinesOf(then.Json));
        Assert.Equal((await RawAsync(after)).Lines(FigureIds(now)), RawStatistics.LinesOf(now.Json));
    }

    [Fact]
    public async Task the_csv_has_one_line_per_figure_group_and_currency()
    {
        var given = await GivenARegister();
        var csv = await Stats(Nl.Auditor, $"{Year}&asOf={Envelope(given.AfterAll)}&format=csv");

        Assert.Equal(HttpStatusCode.OK, csv.Status);
        Assert.Equal("text/csv", csv.ContentHeaders?.ContentType?.MediaType);
        var lines = csv.Raw.Split('\n');
        Assert.Equal("figure,dimension,group,count,currency,amount,meanDays", lines[0]);
        Assert.Contains("value_frozen,total,,3,EUR,125000.00,", lines);
        Assert.Contains("value_frozen,total,,3,USD,30000.50,", lines);
        Assert.Contains("value_frozen,asset_kind,vehicle,2,EUR,5000.00,", lines);
        Assert.Contains("assets_frozen,offence,money_laundering,3,,,", lines);
        Assert.Contains("days_to_realisation,total,,2,,,92.5", lines);
    }

    [Fact]
    public async Task the_sources_of_every_figure_add_up_to_it()
    {
        var given = await GivenARegister();
        var query = $"{Year}&asOf={Envelope(given.AfterAll)}";
        var report = await Stats(Nl.Auditor, query).Ok();
        var failures = new List<string>();

        foreach (var figure in report["figures"].EnumerateArray())
        {
            var id = figure.GetProperty("figure").GetString()!;
            var drill = await Client.Get($"/api/statistics/figures/{id}?{query}", Nl.Auditor).Ok();
            Assert.Equal(figure.GetProperty("sources").GetString(), $"/api/statistics/figures/{id}?{query}");
            var rows = drill["rows"].EnumerateArray().ToList();
            var fromRows = new RawValue(
                rows.Select(x => x.GetProperty("item").GetString()).Distinct().Count(),
                rows.Where(x => x.GetProperty("amount").ValueKind == JsonValueKind.Object).GroupBy(x => x.GetProperty("amount").GetProperty("currency").GetString()!)
                    .ToDictionary(g => g.Key, g => g.Sum(x => Dec(x.GetProperty("amount").Amount()))),
                figure.GetProperty("unit").GetString() == "mean_days" && rows.Count > 0
                    ? Math.Round(rows.Average(x => (decimal)x.GetProperty("days").GetInt32()), 1, MidpointRounding.AwayFromZero) : null);
            if (fromRows.ToString() != RawStatistics.ValueOf(figure).ToString()) failures.Add($"{id}: rows {fromRows}, figure {RawStatistics.ValueOf(figure)}");
            foreach (var row in rows)
                if (row.GetProperty("streamId").GetGuid() == Guid.Empty || row.GetProperty("version").GetInt64() < 1) failures.Add($"{id}: a row without its event");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var frozen = await Client.Get($"/api/statistics/figures/value_frozen?{query}", Nl.Auditor).Ok();
        var car = frozen["rows"].EnumerateArray().Single(x => x.GetProperty("assetId").GetGuid() == given.Car);
        Assert.Equal(given.CaseA, car.GetProperty("caseId").GetGuid());
        Assert.Equal("30000.50", car.GetProperty("amount").Amount());
        Assert.Equal("2026-03-15", car.GetProperty("date").GetString());
        Assert.Equal(given.Car, car.GetProperty("streamId").GetGuid());
        Assert.Equal(3, car.GetProperty("version").GetInt64()); // registered, valued, frozen
        var sourcesCsv = await Client.Get($"/api/statistics/figures/value_frozen?{query}&format=csv", Nl.Auditor);
        Assert.StartsWith("caseId,caseReference,assetId,certificateId,streamId,version,date,item,currency,amount,days,assetKind,offences,certificateKind\n", sourcesCsv.Raw);
        Assert.Contains($",{given.Car},,{given.Car},3,2026-03-15,{given.Car},USD,30000.50,,vehicle,trafficking_in_human_beings;money_laundering,", sourcesCsv.Raw);
    }

    [Theory]
    [InlineData("investigator")]
    [InlineData("admin")]
    public async Task other_roles_are_refused_with_a_403(string role)
    {
        foreach (var url in new[] { $"/api/statistics?{Year}", $"/api/statistics/figures/assets_frozen?{Year}" })
            Assert.Null(Problem.Check(await Client.Get(url, Tokens.For(role)), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task without_a_token_it_is_a_401()
    {
        Assert.Null(Problem.Check(await Client.Get($"/api/statistics?{Year}", null), HttpStatusCode.Unauthorized));
        Assert.Null(Problem.Check(await Client.Get($"/api/statistics/figures/assets_frozen?{Year}", null), HttpStatusCode.Unauthorized));
    }

    [Theory]
    [InlineData("", "from")]
    [InlineData("from=2026-01-01", "to")]
    [InlineData("from=2026-13-01&to=2026-12-31", "from")]
    [InlineData("from=2026-1-1&to=2026-12-31", "from")]
    [InlineData("from=2026-01-01&to=yesterday", "to")]
    [InlineData("from=2026-12-31&to=2026-01-01", "to")]
    [InlineData("from=2016-01-01&to=2026-01-02", "to")]
    [InlineData("from=2026-01-01&to=2026-12-31&asOf=2026-12-04", "asOf")]
    [InlineData("from=2026-01-01&to=2026-12-31&asOf=2026-12-04T12:00:00%2B01:00", "asOf")]
    [InlineData("from=2026-01-01&to=2026-12-31&asOf=2030-01-01T00:00:00Z", "asOf")]
    [InlineData("from=2026-01-01&to=2026-12-31&format=xml", "format")]
    [InlineData("from=%27%3B%20drop%20table%20x&to=2026-12-31", "from")]
    public async Task bad_parameters_are_a_400_naming_the_field(string query, string field)
    {
        foreach (var url in new[] { $"/api/statistics?{query}", $"/api/statistics/figures/assets_frozen?{query}" })
        {
            var r = await Client.Get(url, Nl.Auditor);
            Assert.Null(Problem.Check(r, HttpStatusCode.BadRequest));
            Assert.Contains(field, Problem.ErrorFields(r)!);
        }
    }

    [Fact]
    public async Task an_unknown_figure_is_a_400_and_ten_years_exactly_is_allowed()
    {
        var r = await Client.Get($"/api/statistics/figures/everything?{Year}", Nl.Auditor);
        Assert.Null(Problem.Check(r, HttpStatusCode.BadRequest));
        Assert.Contains("figure", Problem.ErrorFields(r)!);
        await Stats(Nl.Auditor, "from=2016-01-01&to=2026-01-01").Ok();
        await Stats(Nl.Auditor, "from=2026-01-01&to=2026-01-01").Ok();
    }

    private static string Envelope(Instant i) => AssetLedger.Api.Infrastructure.Envelope.Format(i);
}
