using System.Net;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AssetLedger.Api.Tests.Security;

/// <summary>
/// S2 over the one table of permissions: every route of RoleMatrix with every role. A denied role
/// is a 403 before anything else is looked at; an allowed one never is. Routes without a rule
/// cannot exist: the service refuses to start (and the first test says which).
/// </summary>
public sealed class when_walking_the_role_matrix(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public void every_api_endpoint_has_exactly_one_rule()
    {
        var sources = Fixture.Host.Services.GetServices<EndpointDataSource>();
        RoleMatrix.AssertComplete(sources);
        Assert.True(RoleMatrix.Rules.Count >= 28);
    }

    public static IEnumerable<object[]> Cells() =>
        from rule in RoleMatrix.Rules
        from role in Roles.All
        select new object[] { rule.Key, role, rule.Value.Contains(role) };

    [Fact]
    public async Task every_cell_allows_or_denies_as_the_table_says()
    {
        var failures = new List<string>();
        foreach (var cell in Cells())
        {
            var (key, role, allowed) = ((string)cell[0], (string)cell[1], (bool)cell[2]);
            var method = key[..key.IndexOf(' ')];
            var url = System.Text.RegularExpressions.Regex.Replace(key[(method.Length + 1)..], "{[a-zA-Z]+}", _ => Guid.NewGuid().ToString());
            var token = Tokens.For(role);
            var reply = method == "GET" ? await Client.Get(url, token) : await Client.Post(url, "{}", token);

            var ok = allowed
                ? reply.Status is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.InternalServerError)
                : reply.Status == HttpStatusCode.Forbidden;
            if (!ok) failures.Add($"{key} as {role}: {(int)reply.Status} (expected {(allowed ? "allowed" : "403")})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
