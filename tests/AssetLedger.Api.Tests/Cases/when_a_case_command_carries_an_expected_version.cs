using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Reliability;
using AssetLedger.Api.Tests.Security;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Cases;

/// <summary>
/// api.md: "A command may carry <c>expectedVersion</c>; if the stream has moved on, 409." Every command
/// on a case honours it (asset commands, close and certificates have their own tests): a stale version
/// is a 409 that appends nothing, the current one is accepted.
/// </summary>
public sealed class when_a_case_command_carries_an_expected_version(ApiFixture fixture) : ApiTest(fixture)
{
    private readonly Desk nl = Desk.NL;

    public static TheoryData<string> Routes => new(["agencies", "victim-claims", "assets", "distributions", "settlements"]);

    private async Task<long> VersionOf(Guid caseId) => (await Client.Get($"/api/cases/{caseId}", nl.Auditor))["version"].GetInt64();

    /// <summary>The route's URL, token, answer on success, and a fresh body (new keys) carrying the given version.</summary>
    private async Task<(string Url, string Token, HttpStatusCode Ok, Func<long, object> Body)> RouteOn(Guid caseId, string route)
    {
        switch (route)
        {
            case "agencies":
                return ($"/api/cases/{caseId}/agencies", nl.Investigator, HttpStatusCode.OK,
                    v => new { commandId = Guid.NewGuid(), agency = "KMAR", expectedVersion = v });
            case "victim-claims":
                return ($"/api/cases/{caseId}/victim-claims", nl.Prosecutor, HttpStatusCode.Created,
                    v => new { claimId = Guid.NewGuid(), victimRef = "V-EV-1", amount = new { amount = "100.00", currency = "EUR" }, basis = "compensation order", expectedVersion = v });
            case "assets":
                return ($"/api/cases/{caseId}/assets", nl.Investigator, HttpStatusCode.Created,
                    v => new { assetId = Guid.NewGuid(), kind = "bank_account", description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location = "NL", expectedVersion = v });
            case "distributions":
                await Client.RealisedAsset(nl, caseId, "1000.00");
                return ($"/api/cases/{caseId}/distributions", nl.Treasury, HttpStatusCode.Created,
                    v => Body(Guid.NewGuid(), "domestic").With("expectedVersion", v));
            case "settlements":
                await Client.RealisedAsset(nl, caseId, "250000.00");
                var d = await Client.Distributed(nl, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));
                var allocation = d.Allocation("state", "DE");
                return ($"/api/cases/{caseId}/distributions/{d["distributionId"].GetGuid()}/settlements", nl.Treasury, HttpStatusCode.OK,
                    v => new { commandId = Guid.NewGuid(), allocationId = allocation.Id(), amount = new { amount = "1.00", currency = "EUR" }, settledOn = "2026-07-01", bankReference = "TRX-EV-1", expectedVersion = v });
            default:
                throw new ArgumentOutOfRangeException(nameof(route));
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task a_stale_version_is_409_and_appends_nothing_and_the_current_one_is_accepted(string route)
    {
        var caseId = await Client.OpenCase(nl);
        var (url, token, ok, body) = await RouteOn(caseId, route);
        var version = await VersionOf(caseId);
        var before = await Fixture.EventCountAsync();

        var behind = await Client.Post(url, body(version - 1), token);
        var ahead = await Client.Post(url, body(version + 1), token);
        var events = await Fixture.EventCountAsync();
        var current = await Client.Post(url, body(version), token);

        Assert.Null(Problem.Check(behind, HttpStatusCode.Conflict));
        Assert.Contains($"at version {version}, not the expected {version - 1}", behind.Raw);
        Assert.Null(Problem.Check(ahead, HttpStatusCode.Conflict));
        Assert.Equal(before, events);
        Assert.True(current.Status == ok, current.ToString());
        Assert.True(await VersionOf(caseId) > version);
    }
}
