using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// An order has a stream of its own, named by the client's <c>orderId</c>. An id that already names an
/// asset or a case is refused (409) and appends nothing: order events in another resource's stream
/// would make it unreadable.
/// </summary>
public sealed class when_an_order_id_is_already_another_resources(ApiFixture fixture) : ApiTest(fixture)
{
    public static TheoryData<string> Kinds => new(["the asset itself", "another asset", "the case"]);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task the_order_is_refused_and_the_resource_stays_readable(string kind)
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var other = await Client.AddAsset(caseId);
        await Client.Freeze(asset).Ok();
        var taken = kind switch { "the asset itself" => asset, "another asset" => other, _ => caseId };
        var before = await Fixture.EventCountAsync();

        var order = await Client.OrderConfiscation(asset, taken);

        Assert.Null(Problem.Check(order, HttpStatusCode.Conflict));
        Assert.Equal(before, await Fixture.EventCountAsync());
        Assert.Equal("frozen", (await Client.Get($"/api/assets/{asset}", Tokens.Auditor).Ok()).Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/assets/{other}", Tokens.Auditor)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/cases/{caseId}", Tokens.Auditor)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor)).Status);
    }

    /// <summary>The other way round: a case, an asset or a certificate under an order's id.</summary>
    [Fact]
    public async Task a_case_an_asset_or_a_certificate_under_an_orders_id_is_refused()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var order = Guid.NewGuid();
        await Client.Freeze(asset).Ok();
        await Client.OrderConfiscation(asset, order).Ok();
        var before = await Fixture.EventCountAsync();

        var newCase = await Client.Post("/api/cases", new { caseId = order, reference = "NL-2026-9191", title = "Operation Clash", offences = new[] { "trafficking_in_human_beings" } }, Tokens.Investigator);
        var newAsset = await Client.Post($"/api/cases/{caseId}/assets", new { assetId = order, kind = "cash", description = "Cash", location = "NL" }, Tokens.Investigator);

        var newCertificate = await Client.Post("/api/certificates", new
        {
            certificateId = order, kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
            orderReference = "RTM-2026-0097", issuedOn = "2026-02-01", finalOn = "2026-02-20", amountForExecutingState = new { amount = "5000.00", currency = "EUR" },
            offence = "trafficking_in_human_beings",
            issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
        }, Tokens.Prosecutor);

        Assert.Null(Problem.Check(newCase, HttpStatusCode.Conflict));
        Assert.Null(Problem.Check(newAsset, HttpStatusCode.Conflict));
        Assert.Null(Problem.Check(newCertificate, HttpStatusCode.Conflict));
        Assert.Contains("already names another resource", newAsset.Raw);
        Assert.Equal(before, await Fixture.EventCountAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{order}", Tokens.Auditor)).Status);
        Assert.Equal("confiscation_ordered", (await Client.Get($"/api/assets/{asset}", Tokens.Auditor).Ok()).Str("status"));
    }
}
