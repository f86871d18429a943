using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Reliability;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Distribution;

public sealed class when_distributing_edge_cases(ApiFixture fixture) : ApiTest(fixture)
{
    private readonly Desk nl = Desk.NL;

    private static string[] ErrorsOf(Reply r, string field) =>
        r["errors"].TryGetProperty(field, out var messages) ? messages.EnumerateArray().Select(m => m.GetString()!).ToArray() : [];

    private static void AssertProblem(Reply r, HttpStatusCode status)
    {
        Assert.True(r.Status == status, r.ToString());
        Assert.Equal("application/problem+json", r.ContentHeaders!.ContentType!.MediaType);
    }

    [Fact]
    public async Task the_same_distribution_id_and_body_returns_the_same_distribution_and_appends_nothing()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00", "12000.00");
        var id = Guid.NewGuid();
        var body = Body(id, "eu-2018-1805", "DE");

        var first = await Client.Distributed(nl, caseId, body);
        var events = await Fixture.EventCountAsync();
        var again = await Client.Distribute(nl, caseId, body);

        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(id, again["distributionId"].GetGuid());
        Assert.Equal(first.Allocations().Select(a => a.Id()), again.Allocations().Select(a => a.Id()));
        Assert.Equal(first.Allocations().Select(ToExpected), again.Allocations().Select(ToExpected));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task the_same_distribution_id_with_a_different_body_is_a_409_and_appends_nothing()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00");
        var id = Guid.NewGuid();
        await Client.Distributed(nl, caseId, Body(id, "eu-2018-1805", "DE"));
        var events = await Fixture.EventCountAsync();

        var otherRegime = await Client.Distribute(nl, caseId, Body(id, "fd-2006-783", "DE"));
        var otherCounterparty = await Client.Distribute(nl, caseId, Body(id, "eu-2018-1805", "BE"));

        AssertProblem(otherRegime, HttpStatusCode.Conflict);
        AssertProblem(otherCounterparty, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task concurrent_replays_of_one_distribution_all_get_it_and_it_is_computed_once()
    {
        // A few rounds, since a race shows only sometimes.
        for (var round = 0; round < 10; round++)
        {
            var caseId = await Client.OpenCase(nl);
            await Client.RealisedAsset(nl, caseId, "250000.00");
            var events = await Fixture.EventCountAsync();
            var body = Body(Guid.NewGuid(), "eu-2018-1805", "DE");

            var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Client.Distribute(nl, caseId, body)));

            Assert.All(replies, r => Assert.True(r.Status == HttpStatusCode.Created, $"round {round}: {r}"));
            Assert.Single(replies.Select(r => string.Join(",", r.Allocations().Select(a => a.Id()))).Distinct());
            Assert.Equal(events + 1, await Fixture.EventCountAsync());
        }
    }

    [Theory]
    [InlineData("50", "50", "0.8", "0.8")]        // the very same body
    [InlineData("50", "50.00", "0.8", "0.8")]     // a percentage written with trailing zeros
    [InlineData("50", "50", "0.8", "0.80")]       // a rate written with a trailing zero
    public async Task a_replay_is_compared_after_parsing(string percent, string percentAgain, string rate, string rateAgain)
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "EUR");
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "GBP");
        var id = Guid.NewGuid();
        var first = await Client.Distributed(nl, caseId, Body(id, "bilateral", "DE", new { counterpartyPercent = percent, deductCosts = false }, currency: "EUR",
            fx: [Rate("EUR", "GBP", rate, "conversion")]));
        var events = await Fixture.EventCountAsync();

        // The same numbers, written differently (a JSON number instead of a string), and an absent optional field instead of its default.
        var again = await Client.Distribute(nl, caseId, Body(id, "bilateral", "DE", new { counterpartyPercent = decimal.Parse(percentAgain, System.Globalization.CultureInfo.InvariantCulture) }, currency: "EUR",
            fx: [Rate("EUR", "GBP", rateAgain, "conversion")]));

        Assert.True(again.Status == HttpStatusCode.Created, again.ToString());
        Assert.Equal(first.Allocations().Select(a => a.Id()), again.Allocations().Select(a => a.Id()));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_victim_claim_is_idempotent_by_claim_id()
    {
        var caseId = await Client.OpenCase(nl);
        var claimId = Guid.NewGuid();
        var body = new { claimId, victimRef = "V-1", amount = Money("1000.00", "EUR"), basis = "compensation order", priorityRank = (int?)null };

        var first = await Client.Post($"/api/cases/{caseId}/victim-claims", body, nl.Prosecutor);
        var events = await Fixture.EventCountAsync();
        var again = await Client.Post($"/api/cases/{caseId}/victim-claims", new { claimId, victimRef = "V-1", amount = new { amount = 1000, currency = "EUR" }, basis = "compensation order" }, nl.Prosecutor);
        var different = await Client.Post($"/api/cases/{caseId}/victim-claims", body with { victimRef = "V-2" }, nl.Prosecutor);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(again.Status == HttpStatusCode.Created, again.ToString());
        AssertProblem(different, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());
        var v = await OutstandingAsync(caseId, x => x.GetProperty("count").GetInt32() == 1);
        Assert.Equal(1, v.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task a_claim_in_another_currency_without_a_victim_rate_is_a_400_naming_the_pair()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.Claim(nl, caseId, "V-1", "1000.00", "GBP");
        await Client.RealisedAsset(nl, caseId, "50000.00");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic"));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.Contains(ErrorsOf(r, "fx"), m => m.Contains("EUR/GBP"));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_bad_body_for_a_case_of_another_jurisdiction_is_a_404_not_a_400()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00");

        var r = await Client.Distribute(Desk.ES, caseId, Body(Guid.NewGuid(), "no-such-regime"));

        AssertProblem(r, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task an_asset_is_never_distributed_twice()
    {
        var caseId = await Client.OpenCase(nl);
        var a = await Client.RealisedAsset(nl, caseId, "10000.00");
        var b = await Client.RealisedAsset(nl, caseId, "20000.00");

        var onlyA = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", assetIds: [a]));
        AssertDistribution(onlyA, "domestic", "10000.00", "EUR", new Expected("share", "treasury", "NL", "10000.00", "retained"));
        var events = await Fixture.EventCountAsync();

        var naming = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic", assetIds: [a, b]));
        var namingOnlyA = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic", assetIds: [a]));
        AssertProblem(naming, HttpStatusCode.Conflict);
        AssertProblem(namingOnlyA, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());

        var rest = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic"));
        AssertDistribution(rest, "domestic", "20000.00", "EUR", new Expected("share", "treasury", "NL", "20000.00", "retained"));
        events = await Fixture.EventCountAsync();

        var nothingLeft = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic"));
        var nothingLeftNamed = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic", assetIds: [b]));
        AssertProblem(nothingLeft, HttpStatusCode.Conflict);
        AssertProblem(nothingLeftNamed, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_case_with_nothing_realised_has_nothing_to_distribute()
    {
        var caseId = await Client.OpenCase(nl);
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic"));

        AssertProblem(r, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task ten_concurrent_distributions_over_the_same_assets_give_exactly_one_201()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00");
        await Client.RealisedAsset(nl, caseId, "1000.00");
        var events = await Fixture.EventCountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"))));

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, r.ToString()));
        var winner = Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(9, replies.Count(r => r.Status == HttpStatusCode.Conflict));
        AssertDistribution(winner, "eu-2018-1805", "251000.00", "EUR",
            new("share", "state", "DE", "125500.00", "due"),
            new("share", "treasury", "NL", "125500.00", "retained"));
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task mixed_currencies_without_a_currency_are_a_400_naming_it()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "EUR");
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "GBP");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic"));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.NotEmpty(ErrorsOf(r, "currency"));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task mixed_currencies_without_a_conversion_rate_are_a_400_naming_the_pair()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "EUR");
        await Client.RealisedAsset(nl, caseId, "1000.00", currency: "GBP");
        var events = await Fixture.EventCountAsync();

        var noRate = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic", currency: "EUR"));
        var wrongPurpose = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "domestic", currency: "EUR", fx: [Rate("EUR", "GBP", "0.80", "threshold")]));

        AssertProblem(noRate, HttpStatusCode.BadRequest);
        Assert.Contains(ErrorsOf(noRate, "fx"), m => m.Contains("EUR/GBP"));
        AssertProblem(wrongPurpose, HttpStatusCode.BadRequest);
        Assert.Contains(ErrorsOf(wrongPurpose, "fx"), m => m.Contains("EUR/GBP"));
        Assert.Equal(events, await Fixture.EventCountAsync());

        // With the rate (1 EUR = 0.80 GBP): GBP 1,000.00 = EUR 1,250.00.
        var converted = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", currency: "EUR", fx: [Rate("EUR", "GBP", "0.80", "conversion")]));
        AssertDistribution(converted, "domestic", "2250.00", "EUR", new Expected("share", "treasury", "NL", "2250.00", "retained"));
    }

    [Fact]
    public async Task a_threshold_on_a_remainder_in_another_currency_needs_a_threshold_rate()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "20000.00", currency: "GBP");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.Contains(ErrorsOf(r, "fx"), m => m.Contains("EUR/GBP"));
        Assert.Equal(events, await Fixture.EventCountAsync());

        // GBP 20,000.00 at 1 EUR = 0.85 GBP is EUR 23,529.41 > 10,000: half to DE, in GBP.
        var shared = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE", fx: [Rate("EUR", "GBP", "0.85", "threshold")]));
        AssertDistribution(shared, "eu-2018-1805", "20000.00", "GBP",
            new("share", "state", "DE", "10000.00", "due"),
            new("share", "treasury", "NL", "10000.00", "retained"));
    }

    [Theory]
    [InlineData("eu-2018-1805")]
    [InlineData("fd-2006-783")]
    [InlineData("uncac-57")]
    public async Task a_missing_counterparty_is_a_400(string regime)
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), regime));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.NotEmpty(ErrorsOf(r, "counterparty"));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    /// <summary>api.md's order (… 400, 409): the request's own errors come before what the case refuses.</summary>
    [Fact]
    public async Task a_request_with_errors_of_its_own_is_a_400_even_when_the_case_has_nothing_to_distribute()
    {
        var empty = await Client.OpenCase(nl);
        var closed = await Client.OpenCase(nl);
        await Client.Post($"/api/cases/{closed}/close", new { commandId = Guid.NewGuid(), reason = "Investigation complete" }, nl.Prosecutor).Ok();
        var events = await Fixture.EventCountAsync();

        var nothing = await Client.Distribute(nl, empty, Body(Guid.NewGuid(), "domestic", "DE"));
        var stale = await Client.Distribute(nl, empty, Body(Guid.NewGuid(), "domestic", "DE").With("expectedVersion", 0));
        var onClosed = await Client.Distribute(nl, closed, Body(Guid.NewGuid(), "eu-2018-1805"));
        var valid = await Client.Distribute(nl, empty, Body(Guid.NewGuid(), "domestic"));

        AssertProblem(nothing, HttpStatusCode.BadRequest);
        Assert.NotEmpty(ErrorsOf(nothing, "counterparty"));
        AssertProblem(stale, HttpStatusCode.BadRequest);
        AssertProblem(onClosed, HttpStatusCode.BadRequest);
        Assert.NotEmpty(ErrorsOf(onClosed, "counterparty"));
        AssertProblem(valid, HttpStatusCode.Conflict);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Theory]
    [InlineData("eu-2018-9999")]
    [InlineData("EU-2018-1805")]
    [InlineData("")]
    public async Task an_unknown_regime_is_a_400(string regime)
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "250000.00");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), regime, "DE"));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.NotEmpty(ErrorsOf(r, "regime"));
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task uncac_expenses_above_the_remainder_are_a_400()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00");
        var events = await Fixture.EventCountAsync();

        var r = await Client.Distribute(nl, caseId, Body(Guid.NewGuid(), "uncac-57", "MX", new { expenses = Money("1000.01", "EUR") }));

        AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task only_treasury_may_distribute_and_a_refusal_appends_nothing()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.RealisedAsset(nl, caseId, "1000.00");
        var events = await Fixture.EventCountAsync();

        foreach (var token in new[] { nl.Investigator, nl.Prosecutor, nl.Auditor, nl.Admin })
            AssertProblem(await Client.Post($"/api/cases/{caseId}/distributions", Body(Guid.NewGuid(), "domestic"), token), HttpStatusCode.Forbidden);
        AssertProblem(await Client.Distribute(Desk.ES, caseId, Body(Guid.NewGuid(), "domestic")), HttpStatusCode.NotFound);
        Assert.Equal(events, await Fixture.EventCountAsync());
    }

    private async Task<JsonElement> OutstandingAsync(Guid caseId, Func<JsonElement, bool> settled)
    {
        var summary = await Eventually(() => Client.Get($"/api/cases/{caseId}", nl.Auditor),
            r => r.Status == HttpStatusCode.OK && settled(r["victimClaims"]));
        Assert.Equal(HttpStatusCode.OK, summary.Status);
        return summary["victimClaims"];
    }

    private static string[] Outstanding(JsonElement victimClaims) =>
        victimClaims.GetProperty("outstanding").EnumerateArray().Select(m => $"{m.GetProperty("currency").GetString()} {m.Amount()}").ToArray();

    [Fact]
    public async Task victim_claims_are_outstanding_per_currency_until_distributions_pay_them()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.Claim(nl, caseId, "V-1", "60000.00", "EUR");
        await Client.Claim(nl, caseId, "V-2", "1000.00", "GBP");
        await Client.Claim(nl, caseId, "V-3", "5000.00", "EUR", rank: 1);

        var before = await OutstandingAsync(caseId, v => v.GetProperty("count").GetInt32() == 3);
        Assert.Equal(3, before.GetProperty("count").GetInt32());
        Assert.Equal(["EUR 65000.00", "GBP 1000.00"], Outstanding(before));
        var listed = await Client.Get($"/api/cases/{caseId}/victim-claims", nl.Prosecutor);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(["V-1", "V-2", "V-3"], listed.Json.EnumerateArray().Select(c => c.GetProperty("victimRef").GetString()!).Order().ToArray());

        // First distribution: the ranked claim V-3 first, then V-1 (registered before V-2) takes the rest.
        await Client.RealisedAsset(nl, caseId, "50000.00");
        var victimRate = Rate("EUR", "GBP", "0.80", "victim");
        var first = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", fx: [victimRate]));
        AssertDistribution(first, "domestic", "50000.00", "EUR",
            new("victim", "victim", "V-3", "5000.00", "due"),
            new("victim", "victim", "V-1", "45000.00", "due"));
        Assert.Equal("V-3", first.Allocations()[0].GetProperty("payee").GetProperty("id").GetString());

        var between = await OutstandingAsync(caseId, v => Outstanding(v).Contains("EUR 15000.00"));
        Assert.Equal(["EUR 15000.00", "GBP 1000.00"], Outstanding(between));

        // Second distribution: V-1's remaining 15,000.00, then V-2's GBP 1,000.00 = EUR 1,250.00; the rest stays with us.
        await Client.RealisedAsset(nl, caseId, "20000.00");
        var second = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", fx: [victimRate]));
        AssertDistribution(second, "domestic", "20000.00", "EUR",
            new("victim", "victim", "V-1", "15000.00", "due"),
            new("victim", "victim", "V-2", "1250.00", "due"),
            new("share", "treasury", "NL", "3750.00", "retained"));

        var after = await OutstandingAsync(caseId, v => Outstanding(v).All(m => m.EndsWith(" 0.00")));
        Assert.All(after.GetProperty("outstanding").EnumerateArray(), m => Assert.Equal(0m, Dec(m.Amount())));
    }

    [Fact]
    public async Task a_claim_in_another_currency_partly_paid_stays_outstanding_in_its_own_currency()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.Claim(nl, caseId, "V-2", "1000.00", "GBP");
        await Client.RealisedAsset(nl, caseId, "500.00");
        var victimRate = Rate("EUR", "GBP", "0.80", "victim");

        // GBP 1,000.00 = EUR 1,250.00; only EUR 500.00 is there, which settles GBP 400.00 of the claim.
        var first = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", fx: [victimRate]));
        AssertDistribution(first, "domestic", "500.00", "EUR", new Expected("victim", "victim", "V-2", "500.00", "due"));
        var between = await OutstandingAsync(caseId, v => Outstanding(v).Contains("GBP 600.00"));
        Assert.Equal(["GBP 600.00"], Outstanding(between));

        await Client.RealisedAsset(nl, caseId, "1000.00");
        var second = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "domestic", fx: [victimRate]));
        AssertDistribution(second, "domestic", "1000.00", "EUR",
            new("victim", "victim", "V-2", "750.00", "due"),
            new("share", "treasury", "NL", "250.00", "retained"));
        var after = await OutstandingAsync(caseId, v => Outstanding(v).Contains("GBP 0.00"));
        Assert.Equal(["GBP 0.00"], Outstanding(after));
    }

    [Fact]
    public async Task victims_may_take_everything_and_that_is_still_a_distribution()
    {
        var caseId = await Client.OpenCase(nl);
        await Client.Claim(nl, caseId, "V-1", "90000.00");
        await Client.RealisedAsset(nl, caseId, "50000.00");

        var r = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));

        AssertDistribution(r, "eu-2018-1805", "50000.00", "EUR", new Expected("victim", "victim", "V-1", "50000.00", "due"));
        var v = await OutstandingAsync(caseId, x => Outstanding(x).Contains("EUR 40000.00"));
        Assert.Equal(["EUR 40000.00"], Outstanding(v));
    }
}
