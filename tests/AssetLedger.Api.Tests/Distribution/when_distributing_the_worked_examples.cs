using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Distribution;

/// <summary>The seven worked examples of distribution.md, end to end through HTTP, with exact amounts.</summary>
public sealed class when_distributing_the_worked_examples(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>Posts the distribution, checks it, and checks that GET returns the same allocations.</summary>
    private async Task<Reply> DistributeAndCheck(Desk desk, Guid caseId, object body, string regime, string @base, string currency, params Expected[] expected)
    {
        var created = await Client.Distribute(desk, caseId, body);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        AssertDistribution(created, regime, @base, currency, expected);
        Assert.Equal(caseId, created["caseId"].GetGuid());
        Assert.Equal("2026-03-01T09:00:00Z", created.Str("computedAt"));
        Assert.NotEmpty(created["explanation"].EnumerateArray());
        Assert.NotNull(created.Headers.ETag);

        var distributionId = created["distributionId"].GetGuid();
        var read = await Client.Get($"/api/cases/{caseId}/distributions/{distributionId}", desk.Auditor);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        AssertDistribution(read, regime, @base, currency, expected);
        Assert.Equal(created.Allocations().Select(a => a.Id()).Order(), read.Allocations().Select(a => a.Id()).Order());
        return created;
    }

    [Fact]
    public async Task example_1_eu_2018_1805_shares_half_with_the_issuing_state_and_does_not_deduct_costs()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "250000.00", "12000.00");

        var r = await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"), "eu-2018-1805", "250000.00", "EUR",
            new("share", "state", "DE", "125000.00", "due"),
            new("share", "treasury", "NL", "125000.00", "retained"));
        Assert.DoesNotContain(r.Allocations(), a => a.GetProperty("kind").GetString() == "costs");
    }

    [Fact]
    public async Task example_2_eu_2018_1805_at_exactly_ten_thousand_keeps_everything_and_omits_the_zero_share()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "10000.00");

        var r = await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"), "eu-2018-1805", "10000.00", "EUR",
            new Expected("share", "treasury", "NL", "10000.00", "retained"));
        Assert.Single(r.Allocations());
        Assert.DoesNotContain(r.Allocations(), a => a.GetProperty("payee").GetProperty("id").GetString() == "DE");
    }

    [Fact]
    public async Task example_2_fd_2006_783_at_exactly_ten_thousand_shares_half()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "10000.00");

        await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "fd-2006-783", "DE"), "fd-2006-783", "10000.00", "EUR",
            new("share", "state", "DE", "5000.00", "due"),
            new("share", "treasury", "NL", "5000.00", "retained"));
    }

    [Fact]
    public async Task example_3_eu_2018_1805_one_cent_above_the_threshold_rounds_the_issuing_states_half_up()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "10000.01");

        await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"), "eu-2018-1805", "10000.01", "EUR",
            new("share", "state", "DE", "5000.01", "due"),
            new("share", "treasury", "NL", "5000.00", "retained"));
    }

    [Fact]
    public async Task example_4_victims_are_paid_first_and_the_threshold_applies_to_the_remainder_in_spain()
    {
        var desk = Desk.ES;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "250000.00");
        await Client.Claim(desk, caseId, "V-1", "40000.00");

        await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "IT"), "eu-2018-1805", "250000.00", "EUR",
            new("victim", "victim", "V-1", "40000.00", "due"),
            new("share", "state", "IT", "105000.00", "due"),
            new("share", "treasury", "ES", "105000.00", "retained"));
    }

    [Fact]
    public async Task example_5_uncac_57_returns_all_but_the_expenses_to_the_requesting_state()
    {
        var desk = Desk.US;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "1000000.00", currency: "USD");

        var body = Body(Guid.NewGuid(), "uncac-57", "MX", new { expenses = Money("30000.00", "USD") });
        await DistributeAndCheck(desk, caseId, body, "uncac-57", "1000000.00", "USD",
            new("share", "state", "MX", "970000.00", "due"),
            new("costs", "treasury", "US", "30000.00", "retained"));
    }

    [Fact]
    public async Task example_6_us_equitable_pays_victims_then_costs_then_the_agency()
    {
        var desk = Desk.US;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "500000.00", "20000.00", "USD");
        await Client.Claim(desk, caseId, "V-1", "300000.00", "USD");

        var body = Body(Guid.NewGuid(), "us-equitable", parameters: new { agencies = new[] { new { agency = "PD-LA", contributionPercent = "60" } } });
        await DistributeAndCheck(desk, caseId, body, "us-equitable", "500000.00", "USD",
            new("victim", "victim", "V-1", "300000.00", "due"),
            new("costs", "treasury", "US", "20000.00", "retained"),
            new("share", "agency", "PD-LA", "108000.00", "due"),
            new("share", "treasury", "US", "72000.00", "retained"));
    }

    [Fact]
    public async Task example_7_uk_aris_pays_the_reparation_order_first_then_splits_the_rest()
    {
        var desk = Desk.GB;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "50000.00", currency: "GBP");
        await Client.Claim(desk, caseId, "V-1", "30000.00", "GBP", basis: "slavery and trafficking reparation order");

        var body = Body(Guid.NewGuid(), "uk-aris", parameters: new { investigatingAgency = "NCA", prosecutingAgency = "CPS" });
        await DistributeAndCheck(desk, caseId, body, "uk-aris", "50000.00", "GBP",
            new("victim", "victim", "V-1", "30000.00", "due"),
            new("share", "agency", "NCA", "3750.00", "due"),
            new("share", "agency", "CPS", "3750.00", "due"),
            new("share", "agency", "HMCTS", "2500.00", "due"),
            new("share", "treasury", "GB", "10000.00", "retained"));
    }

    [Fact]
    public async Task the_base_is_the_proceeds_kept_after_what_was_returned_to_the_owner()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "270000.00", "12000.00", returned: "20000.00");

        await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"), "eu-2018-1805", "250000.00", "EUR",
            new("share", "state", "DE", "125000.00", "due"),
            new("share", "treasury", "NL", "125000.00", "retained"));
    }

    [Fact]
    public async Task the_base_covers_every_realised_asset_of_the_case_by_default()
    {
        var desk = Desk.NL;
        var caseId = await Client.OpenCase(desk);
        await Client.RealisedAsset(desk, caseId, "5000.00");
        await Client.RealisedAsset(desk, caseId, "5000.01");

        await DistributeAndCheck(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"), "eu-2018-1805", "10000.01", "EUR",
            new("share", "state", "DE", "5000.01", "due"),
            new("share", "treasury", "NL", "5000.00", "retained"));
    }
}
