using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using NodaTime;

namespace AssetLedger.Api.Tests.Assets;

public sealed class when_driving_an_asset_through_its_lifecycle(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task every_step_changes_the_status_and_the_version()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();

        Assert.Equal("frozen", (await Client.Freeze(asset).Ok()).Str("status"));
        Assert.Equal("seized", (await Client.Seize(asset).Ok()).Str("status"));
        var valued = await Client.Value(asset).Ok();
        Assert.Equal("seized", valued.Str("status"));
        Assert.Equal("120000.00", valued["latestValuation"].GetProperty("value").GetProperty("amount").GetString());
        Assert.Equal("confiscation_ordered", (await Client.OrderConfiscation(asset, order).Ok()).Str("status"));
        Assert.Equal("confiscated", (await Client.Finality(asset, order).Ok()).Str("status"));
        var realised = await Client.Realise(asset, "100000", "1500.5", "20000").Ok();

        Assert.Equal("realised", realised.Str("status"));
        Assert.Equal(7, realised["version"].GetInt64());
        Assert.Equal("\"7\"", realised.Headers.ETag!.ToString());
        var r = realised["realisation"];
        Assert.Equal("100000.00", r.GetProperty("gross").GetProperty("amount").GetString());
        Assert.Equal("78499.50", r.GetProperty("net").GetProperty("amount").GetString());

        var summary = await Client.Get($"/api/cases/{caseId}", Tokens.Auditor);
        Assert.Equal(HttpStatusCode.OK, summary.Status);
        Assert.Equal(1, summary["assets"].GetProperty("count").GetInt32());
        Assert.Equal(1, summary["assets"].GetProperty("byStatus").GetProperty("realised").GetInt32());
        Assert.Equal("80000.00", summary["totals"].GetProperty("realised")[0].GetProperty("amount").GetString());
    }

    [Fact]
    public async Task an_illegal_command_is_a_409_naming_the_status_and_appends_nothing()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var before = await Fixture.EventCountAsync();

        var r = await Client.Realise(asset, "100.00");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal("application/problem+json", r.ContentHeaders!.ContentType!.MediaType);
        Assert.Contains("'identified'", r.Str("detail"));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task the_status_as_it_stood_at_a_past_instant()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        Fixture.Clock.AdvanceMinutes(10);
        await Client.Freeze(asset).Ok();
        var afterFreeze = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.AdvanceMinutes(10);
        await Client.Seize(asset).Ok();

        var then = await Client.Get($"/api/assets/{asset}?asOf={afterFreeze.Plus(Duration.FromSeconds(1))}", Tokens.Prosecutor);
        var now = await Client.Get($"/api/assets/{asset}", Tokens.Prosecutor);
        var before = await Client.Get($"/api/assets/{asset}?asOf=2026-01-01T00:00:00Z", Tokens.Prosecutor);

        Assert.Equal("frozen", then.Str("status"));
        Assert.Equal(2, then["version"].GetInt64());
        Assert.Equal("seized", now.Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, before.Status);
    }
}
