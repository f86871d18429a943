using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;

namespace AssetLedger.Api.Tests.Validation;

/// <summary>api.md: errors are RFC 9457 problem details, the routing's own 404 and 405 under /api included.</summary>
public sealed class when_a_route_does_not_exist(ApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("GET", "/api/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/cases/00000000-0000-0000-0000-000000000001/nothing", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/api/cases", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "/api/cases/00000000-0000-0000-0000-000000000001", HttpStatusCode.MethodNotAllowed)]
    public async Task the_answer_is_a_problem_document(string method, string url, HttpStatusCode expected)
    {
        var before = await Fixture.EventCountAsync();
        var reply = await Client.Raw(new HttpMethod(method), url, "Bearer " + Tokens.Auditor, null);

        Assert.Null(Problem.Check(reply, expected));
        Assert.Equal((int)expected, reply["status"].GetInt32());
        Assert.Contains(url, reply.Str("detail"));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_web_page_that_does_not_exist_is_not_answered_as_json()
    {
        var reply = await Client.Raw(HttpMethod.Get, "/no-such-page", null, null);

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.NotEqual("application/problem+json", reply.ContentHeaders?.ContentType?.MediaType);
    }
}
