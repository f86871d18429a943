using System.Net;
using AssetLedger.Api.Tests.Distribution;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Desk;

namespace AssetLedger.Api.Tests.Cases;

public sealed class when_closing_a_case(ApiFixture fixture) : ApiTest(fixture)
{
    private Task<Reply> Close(Guid caseId) =>
        Client.Post($"/api/cases/{caseId}/close", new { commandId = Guid.NewGuid(), reason = "Proceeds shared" }, NL.Prosecutor);

    [Fact]
    public async Task it_waits_for_terminal_assets_and_paid_allocations_then_accepts_nothing_more()
    {
        var caseId = await Client.OpenCase(NL);
        await Client.RealisedAsset(NL, caseId, "30000.00");
        var distribution = await Client.Distributed(NL, caseId, DistributionKit.Body(Guid.NewGuid(), "eu-2018-1805", "DE"));
        var share = distribution.Allocation("state", "DE");

        var whileOwed = await Close(caseId);
        await Client.Settle(NL, caseId, distribution["distributionId"].GetGuid(), share.Id(), "15000.00", "EUR");
        var closed = await Close(caseId);
        var afterwards = await Client.Post($"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = "V-9", amount = Scenarios.Money("10.00", "EUR"), basis = "order" }, NL.Prosecutor);

        Assert.Equal(HttpStatusCode.Conflict, whileOwed.Status);
        Assert.Contains("not fully settled", whileOwed.Str("detail"));
        Assert.Equal(HttpStatusCode.OK, closed.Status);
        Assert.Equal("closed", closed.Str("status"));
        Assert.Equal(HttpStatusCode.Conflict, afterwards.Status);
        Assert.Contains("'closed'", afterwards.Str("detail"));
    }

    [Fact]
    public async Task an_asset_that_is_not_terminal_keeps_it_open()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Freeze(asset).Ok();

        var r = await Close(caseId);

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Contains("frozen", r.Str("detail"));
    }
}
