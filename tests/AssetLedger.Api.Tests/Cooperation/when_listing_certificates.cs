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
