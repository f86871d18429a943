using System.Net;
using AssetLedger.Api.Tests.Infrastructure;

namespace AssetLedger.Api.Tests.Cases;

public sealed class when_adding_a_participating_agency(ApiFixture fixture) : ApiTest(fixture)
{
    private static readonly string Kmar = Tokens.For("investigator", agency: "KMAR", sub: "u-kmar");
    private static readonly string PoliceProsecutor = Tokens.For("prosecutor", agency: "POLITIE", sub: "u-pol");

    [Fact]
    public async Task the_new_agency_sees_the_case_and_its_assets_from_then_on()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/assets/{asset}", Kmar)).Status);

        var added = await Client.Post($"/api/cases/{caseId}/agencies", new { commandId = Guid.NewGuid(), agency = "KMAR" }, Tokens.Investigator);

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("KMAR", added["participatingAgencies"][0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/cases/{caseId}", Kmar)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/assets/{asset}", Kmar)).Status);
        Assert.Equal(1, (await Client.Get("/api/cases", Kmar))["total"].GetInt64());
        Assert.Equal("frozen", (await Client.Command(asset, "freeze",
            new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z" }, Kmar).Ok()).Str("status"));
        var history = await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor);
        Assert.Contains(history.Json.EnumerateArray(), e => e.GetProperty("type").GetString() == "asset_access_granted");
    }

    [Fact]
    public async Task only_the_lead_agency_may_add_and_an_agency_is_added_once()
    {
        var caseId = await Client.OpenCase(agencies: ["KMAR"]);
        var command = new { commandId = Guid.NewGuid(), agency = "POLITIE" };
        var before = await Fixture.EventCountAsync();

        var byParticipant = await Client.Post($"/api/cases/{caseId}/agencies", command, Kmar);
        var byStranger = await Client.Post($"/api/cases/{caseId}/agencies", command, PoliceProsecutor);
        var byTreasury = await Client.Post($"/api/cases/{caseId}/agencies", command, Tokens.Treasury);
        Assert.Equal(HttpStatusCode.Forbidden, byParticipant.Status);
        Assert.Equal(HttpStatusCode.NotFound, byStranger.Status);
        Assert.Equal(HttpStatusCode.Forbidden, byTreasury.Status);
        Assert.Equal(before, await Fixture.EventCountAsync());

        await Client.Post($"/api/cases/{caseId}/agencies", command, Tokens.Investigator).Ok();
        var replay = await Client.Post($"/api/cases/{caseId}/agencies", command, Tokens.Investigator);
        var again = await Client.Post($"/api/cases/{caseId}/agencies", new { commandId = Guid.NewGuid(), agency = "POLITIE" }, Tokens.Investigator);

        Assert.Equal(HttpStatusCode.OK, replay.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(before + 1, await Fixture.EventCountAsync());
    }
}
