using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using NodaTime;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>The certificate list on the single test host (NL's ledger): newest first, in pages, filters checked.</summary>
public sealed class when_listing_certificates(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task it_pages_newest_first_and_counts_them_all()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Client.IssuedCertificate());
            Fixture.Clock.Advance(Duration.FromMinutes(5));
        }

        var first = await Client.Get("/api/certificates?pageSize=2", Tokens.Auditor).Ok();
        var second = await Client.Get("/api/certificates?pageSize=2&page=2", Tokens.Auditor).Ok();

        Assert.Equal(3, first["total"].GetInt32());
        Assert.Equal([ids[2], ids[1]], first["items"].EnumerateArray().Select(c => c.GetProperty("certificateId").GetGuid()));
        Assert.Equal([ids[0]], second["items"].EnumerateArray().Select(c => c.GetProperty("certificateId").GetGuid()));
        var issuing = await Client.Get("/api/certificates?role=issuing&status=issued", Tokens.Auditor).Ok();
        Assert.Equal(3, issuing["total"].GetInt32());
        Assert.Equal(0, (await Client.Get("/api/certificates?role=executing", Tokens.Auditor).Ok())["total"].GetInt32());
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("status=lost", "status")]
    [InlineData("role=both", "role")]
    public async Task a_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        var reply = await Client.Get("/api/certificates?" + query, Tokens.Auditor);
        Assert.True(Security.Problem.Check(reply, HttpStatusCode.BadRequest) is null, reply.ToString());
        Assert.Contains(field, Security.Problem.ErrorFields(reply)!);
    }
}

/// <summary>R1 for certificate commands: the key makes a repeat a replay, another body under it a 409, a stale version a 409; none appends.</summary>
public sealed class when_a_certificate_command_is_repeated(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task the_same_key_and_body_is_answered_again_and_appends_nothing()
    {
        var id = await Client.IssuedCertificate();
        var events = await Fixture.EventCountAsync();
        var again = await Client.Post("/api/certificates", new
        {
            certificateId = id, kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
            orderReference = "RTM-2026-0042", issuedOn = "2026-02-01", finalOn = "2026-02-20", amountForExecutingState = Scenarios.Money("10000.01"),
            offence = "trafficking_in_human_beings",
            issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
        }, Tokens.Prosecutor);
        Assert.True(again.Status is HttpStatusCode.Created or HttpStatusCode.OK, again.ToString());
        Assert.Equal(id, again["certificateId"].GetGuid());

        var key = Guid.NewGuid();
        var first = await Client.Post($"/api/certificates/{id}/withdrawal", new { commandId = key, reason = "Issued in error" }, Tokens.Prosecutor).Ok();
        var second = await Client.Post($"/api/certificates/{id}/withdrawal", new { commandId = key, reason = "Issued in error" }, Tokens.Prosecutor).Ok();
        var otherBody = await Client.Post($"/api/certificates/{id}/withdrawal", new { commandId = key, reason = "Another reason" }, Tokens.Prosecutor);

        Assert.Equal(first["version"].GetInt64(), second["version"].GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, otherBody.Status);
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_stale_expected_version_is_a_409_and_appends_nothing()
    {
        var id = await Client.IssuedCertificate();
        var events = await Fixture.EventCountAsync();
        var stale = await Client.Post($"/api/certificates/{id}/withdrawal", new { commandId = Guid.NewGuid(), reason = "x", expectedVersion = 7 }, Tokens.Prosecutor);
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Contains("not the expected 7", stale.Str("detail"));
        Assert.Equal(events, await Fixture.EventCountAsync());
        await Client.Post($"/api/certificates/{id}/withdrawal", new { commandId = Guid.NewGuid(), reason = "x", expectedVersion = 1 }, Tokens.Prosecutor).Ok();
    }
}
