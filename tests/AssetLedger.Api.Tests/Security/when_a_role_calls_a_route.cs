using System.Net;

namespace AssetLedger.Api.Tests.Security;

using AssetLedger.Api.Tests.Infrastructure;

/// <summary>S2: every implemented route × every role, with exactly the permissions of api.md.</summary>
public sealed class when_a_role_calls_a_route(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>
    /// The whole matrix, one row per route: the route and, for each of the five roles, whether api.md
    /// lets it call the route ("investigator+ prosecutor- …"). One row per route rather than per cell
    /// keeps it to one store reset per route; each row checks all five roles.
    /// </summary>
    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in ApiRoutes.Every)
            data.Add(route.Name, string.Join(" ", ApiRoutes.AllRoles.Select(role => role + (route.Roles.Contains(role) ? "+" : "-"))));
        return data;
    }

    private static readonly string[] All = [.. ApiRoutes.AllRoles], Inv = [ApiRoutes.Investigator], Pros = [ApiRoutes.Prosecutor], Tre = [ApiRoutes.Treasury];

    /// <summary>Every route api.md names, with the roles it names (reads without roles are open to all five).</summary>
    private static readonly Dictionary<string, string[]> Contract = new()
    {
        ["POST /api/cases"] = [ApiRoutes.Investigator, ApiRoutes.Prosecutor],
        ["POST /api/cases/{caseId}/close"] = Pros,
        ["GET /api/cases"] = All,
        ["GET /api/cases/{caseId}"] = All,
        ["GET /api/cases/{caseId}/history"] = All,
        ["POST /api/cases/{caseId}/assets"] = Inv,
        ["GET /api/assets/{assetId}"] = All,
        ["GET /api/assets/{assetId}/history"] = All,
        ["POST /api/assets/{assetId}/freeze"] = Inv,
        ["POST /api/assets/{assetId}/seize"] = Inv,
        ["POST /api/assets/{assetId}/custody-transfers"] = Inv,
        ["POST /api/assets/{assetId}/valuations"] = [ApiRoutes.Investigator, ApiRoutes.Treasury],
        ["POST /api/assets/{assetId}/orders"] = Pros,
        ["POST /api/assets/{assetId}/appeals"] = Pros,
        ["POST /api/assets/{assetId}/appeal-decisions"] = Pros,
        ["POST /api/assets/{assetId}/finality"] = Pros,
        ["POST /api/assets/{assetId}/realisation"] = Tre,
        ["POST /api/assets/{assetId}/release"] = Pros,
        ["POST /api/assets/{assetId}/disposal"] = Tre,
        ["POST /api/cases/{caseId}/victim-claims"] = Pros,
        ["POST /api/cases/{caseId}/distributions"] = Tre,
        ["GET /api/cases/{caseId}/distributions/{distributionId}"] = All,
        ["POST /api/cases/{caseId}/distributions/{distributionId}/settlements"] = Tre,
        ["GET /api/treasury/reconciliation"] = [ApiRoutes.Treasury, ApiRoutes.Auditor],
        ["GET /api/deadlines"] = [ApiRoutes.Investigator, ApiRoutes.Prosecutor, ApiRoutes.Auditor],
        ["GET /api/audit/verify"] = [ApiRoutes.Auditor, ApiRoutes.Admin],
    };

    [Fact]
    public void the_matrix_is_the_one_of_the_contract()
    {
        // The contract's commands among the routes this class calls.
        var expected = Contract.Where(kv => ApiRoutes.Commands.Any(c => c.Name == kv.Key)).ToDictionary();
        // Reads are open to every role, except the statutory statistics (docs/statistics.md).
        string[] statistics = [ApiRoutes.Prosecutor, ApiRoutes.Treasury, ApiRoutes.Auditor];
        var restrictedReads = new Dictionary<string, string[]>
        {
            ["GET /api/statistics"] = statistics,
            ["GET /api/statistics/figures/{figure}"] = statistics,
        };
        foreach (var route in ApiRoutes.Every)
            Assert.Equal(route.IsCommand ? expected[route.Name] : restrictedReads.GetValueOrDefault(route.Name, ApiRoutes.AllRoles), route.Roles);
        Assert.Equal(expected.Count, ApiRoutes.Commands.Count());
        Assert.Equal(restrictedReads.Count, ApiRoutes.Queries.Count(q => restrictedReads.ContainsKey(q.Name)));
        Assert.Equal(23, Matrix().Count());
        Assert.Equal(23 * 5, Matrix().Sum(row => ((string)row[1]).Split(' ').Length));
    }

    /// <summary>
    /// <see cref="Contract"/> against the service's role table: <c>when_walking_the_role_matrix</c> then
    /// checks every route of that table over HTTP, so together the contract is the oracle of every route
    /// it names, not only of the <see cref="ApiRoutes.Every"/> ones this class calls.
    /// </summary>
    [Fact]
    public void the_role_table_has_the_roles_of_the_contract_on_every_route_it_names()
    {
        var table = AssetLedger.Api.Infrastructure.RoleMatrix.Rules;
        var wrong = Contract.Where(kv => !table.TryGetValue(kv.Key, out var roles) || !roles.Order().SequenceEqual(kv.Value.Order()))
            .Select(kv => $"{kv.Key}: api.md [{string.Join(", ", kv.Value.Order())}], the service [{(table.TryGetValue(kv.Key, out var r) ? string.Join(", ", r.Order()) : "no route")}]")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task each_role_gets_exactly_the_permission_of_the_contract(string routeName, string permissions)
    {
        var route = ApiRoutes.Named(routeName);
        var ids = await Client.GivenACaseWithAnAsset(reference: "NL-2026-LANTERN");
        var cells = permissions.Split(' ').Select(c => (Role: c[..^1], Allowed: c[^1] == '+')).ToList();
        var failures = new List<string>();

        // Refusals first, so that the permitted calls (which may change the asset) come after them.
        foreach (var (role, allowed) in cells.OrderBy(c => c.Allowed))
        {
            var before = await Fixture.EventCountAsync();
            var reply = await Client.Call(route, ids, Tokens.For(role));
            if (allowed)
            {
                // A valid body on a visible resource: anything but a refusal of the caller; 409 when
                // the command is illegal in the asset's current status (identified).
                HttpStatusCode[] acceptable = route.IsCommand
                    ? [HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Conflict]
                    : [HttpStatusCode.OK];
                if (!acceptable.Contains(reply.Status)) failures.Add($"{role} may, but got {Problem.Short(reply)}");
            }
            else
            {
                if (Problem.Check(reply, HttpStatusCode.Forbidden) is { } issue) failures.Add($"{role} may not, but: {issue}");
                if (await Fixture.EventCountAsync() != before) failures.Add($"{role} may not, but an event was appended");
            }
        }

        Assert.True(failures.Count == 0, $"{routeName}:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task a_token_with_several_roles_may_do_what_any_of_them_may()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var auditorAndInvestigator = Tokens.For("auditor,investigator");
        var auditorAndAdmin = Tokens.For("auditor,admin");

        var freeze = await Client.Call(ApiRoutes.Named("POST /api/assets/{assetId}/freeze"), ids, auditorAndInvestigator);
        var before = await Fixture.EventCountAsync();
        var refused = await Client.Call(ApiRoutes.Named("POST /api/assets/{assetId}/seize"), ids, auditorAndAdmin);

        Assert.True(freeze.Status == HttpStatusCode.OK, freeze.ToString());
        Assert.Null(Problem.Check(refused, HttpStatusCode.Forbidden));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_valid_token_without_any_role_of_the_contract_may_do_nothing()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var before = await Fixture.EventCountAsync();
        var token = Tokens.For("superuser");
        var failures = new List<string>();

        foreach (var route in ApiRoutes.Every)
        {
            var reply = await Client.Call(route, ids, token);
            if (Problem.Check(reply, HttpStatusCode.Forbidden) is { } issue) failures.Add($"{route.Name}: {issue}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }
}
