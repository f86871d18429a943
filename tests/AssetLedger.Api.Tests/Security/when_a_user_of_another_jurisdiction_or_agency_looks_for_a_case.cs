using System.Net;
using System.Text.Json;

namespace AssetLedger.Api.Tests.Security;

using AssetLedger.Api.Tests.Infrastructure;

/// <summary>Helpers shared by the isolation specifications (S3).</summary>
public abstract class IsolationTest(ApiFixture fixture) : ApiTest(fixture)
{
    protected const string Reference = "NL-2026-0042";

    /// <summary>The case ids of every list page the caller gets: plain, by status, and searched by title and reference.</summary>
    protected async Task<List<string>> ListedCaseIdsAsync(string token, List<string> failures)
    {
        var ids = new List<string>();
        foreach (var url in new[] { "/api/cases", "/api/cases?status=open", "/api/cases?q=lantern", "/api/cases?q=LANTERN", "/api/cases?q=" + Reference, "/api/cases?q=2026-00", "/api/cases?pageSize=200" })
        {
            var reply = await Client.Get(url, token);
            if (reply.Status != HttpStatusCode.OK) { failures.Add($"GET {url}: {Problem.Short(reply)}"); continue; }
            var items = reply["items"].EnumerateArray().Select(i => i.GetProperty("caseId").GetString()!).ToList();
            var total = reply["total"].GetInt64();
            if (total != items.Count) failures.Add($"GET {url}: total {total} but {items.Count} items");
            ids.AddRange(items.Select(i => url + " → " + i));
        }
        return ids;
    }

    /// <summary>
    /// Every route on the case or its asset must answer as if the case did not exist: 404 — or 403
    /// where the role may never call the route (403 precedes 404 and reveals nothing).
    /// </summary>
    protected async Task<List<string>> ExpectInvisibleAsync(Ids ids, string role, string token)
    {
        var failures = new List<string>();
        foreach (var route in ApiRoutes.OnOneCase)
        {
            var expected = route.Roles.Contains(role) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden;
            var reply = await Client.Call(route, ids, token);
            if (Problem.Check(reply, expected) is { } issue) failures.Add($"{route.Name}: {issue}");
            if (reply.Raw.Contains("Lantern", StringComparison.OrdinalIgnoreCase) || reply.Raw.Contains(Reference))
                failures.Add($"{route.Name}: the answer reveals the case: {Problem.Short(reply)}");
        }
        return failures;
    }

    protected async Task<List<string>> ExpectVisibleAsync(Ids ids, string token)
    {
        var failures = new List<string>();
        foreach (var route in ApiRoutes.OnOneCase.Where(r => !r.IsCommand))
        {
            var reply = await Client.Call(route, ids, token);
            if (reply.Status != HttpStatusCode.OK) failures.Add($"{route.Name}: {Problem.Short(reply)}");
        }
        var listed = await ListedCaseIdsAsync(token, failures);
        foreach (var url in new[] { "/api/cases", "/api/cases?q=lantern", "/api/cases?q=LANTERN", "/api/cases?q=" + Reference })
            if (!listed.Contains(url + " → " + ids.Case)) failures.Add($"GET {url} does not list the case");
        return failures;
    }
}

public sealed class when_a_user_of_another_jurisdiction_looks_for_a_case(ApiFixture fixture) : IsolationTest(fixture)
{
    public static TheoryData<string> Roles => new(ApiRoutes.AllRoles);

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task every_route_answers_404_and_no_list_or_search_shows_it(string role)
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference);
        await Client.Freeze(ids.Asset).Ok();
        var before = await Fixture.EventCountAsync();
        // Same agency code, other jurisdiction: only the jurisdiction keeps them apart.
        var german = Tokens.For(role, jurisdiction: "DE", agency: "FIOD", sub: "u-de");

        var failures = await ExpectInvisibleAsync(ids, role, german);
        var listed = await ListedCaseIdsAsync(german, failures);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(listed);
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_malformed_command_on_the_hidden_asset_is_still_404()
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference);
        var before = await Fixture.EventCountAsync();

        var asset = await Client.Post($"/api/assets/{ids.Asset}/freeze", "{\"commandId\": 42}", Tokens.For("investigator", "DE"));
        var close = await Client.Post($"/api/cases/{ids.Case}/close", "{", Tokens.For("prosecutor", "DE"));
        var add = await Client.Post($"/api/cases/{ids.Case}/assets", "[]", Tokens.For("investigator", "DE"));

        Assert.Null(Problem.Check(asset, HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(close, HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(add, HttpStatusCode.NotFound));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task the_same_reference_in_another_jurisdiction_is_another_case()
    {
        var dutch = await Client.OpenCase(Reference);
        var german = await Client.OpenCase(Reference, Tokens.For("investigator", "DE"));

        var nl = await Client.Get($"/api/cases/{dutch}", Tokens.Auditor);
        var de = await Client.Get($"/api/cases/{german}", Tokens.For("auditor", "DE"));
        var crossed = await Client.Get($"/api/cases/{dutch}", Tokens.For("auditor", "DE"));

        Assert.Equal("NL", nl.Str("jurisdiction"));
        Assert.Equal("DE", de.Str("jurisdiction"));
        Assert.Equal(HttpStatusCode.NotFound, crossed.Status);
    }

    [Fact]
    public async Task reusing_another_jurisdictions_case_id_reveals_nothing_of_it()
    {
        // Whether the id can be taken again is the service's choice; it may not answer with the
        // other jurisdiction's case, nor fail.
        var dutch = await Client.OpenCase(Reference);
        var r = await Client.Post("/api/cases", new { caseId = dutch, reference = "DE-2026-1", title = "Operation Nordlicht", offences = new[] { "other" } }, Tokens.For("investigator", "DE"));

        Assert.True((int)r.Status < 500, r.ToString());
        Assert.DoesNotContain("Lantern", r.Raw);
        Assert.DoesNotContain(Reference, r.Raw);
        var nl = await Client.Get($"/api/cases/{dutch}", Tokens.Auditor);
        Assert.Equal("Operation Lantern", nl.Str("title"));
        Assert.Equal("NL", nl.Str("jurisdiction"));
    }
}

public sealed class when_a_user_of_another_agency_looks_for_a_case(ApiFixture fixture) : IsolationTest(fixture)
{
    public static TheoryData<string> AgencyBoundRoles => new([ApiRoutes.Investigator, ApiRoutes.Prosecutor]);
    public static TheoryData<string> JurisdictionWideRoles => new([ApiRoutes.Treasury, ApiRoutes.Auditor, ApiRoutes.Admin]);

    [Theory]
    [MemberData(nameof(AgencyBoundRoles))]
    public async Task investigators_and_prosecutors_of_another_agency_get_404_and_no_listing(string role)
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference);
        var before = await Fixture.EventCountAsync();
        var kmar = Tokens.For(role, agency: "KMAR", sub: "u-kmar");

        var failures = await ExpectInvisibleAsync(ids, role, kmar);
        var listed = await ListedCaseIdsAsync(kmar, failures);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(listed);
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    /// <summary>
    /// A replay is answered from the case: another agency sending the very same ids and body (a
    /// leaked request, say) must not get the claim back, nor learn that the case exists.
    /// </summary>
    [Fact]
    public async Task another_agency_replaying_a_victim_claim_gets_404_and_not_the_claim()
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference);
        var claim = new { claimId = Guid.NewGuid(), victimRef = "V-ISOLATION-1", amount = new { amount = "2500.00", currency = "EUR" }, basis = "compensation order" };
        var first = await Client.Post($"/api/cases/{ids.Case}/victim-claims", claim, Tokens.Prosecutor);
        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());
        var before = await Fixture.EventCountAsync();

        var kmar = await Client.Post($"/api/cases/{ids.Case}/victim-claims", claim, Tokens.For(ApiRoutes.Prosecutor, agency: "KMAR", sub: "u-kmar"));
        var again = await Client.Post($"/api/cases/{ids.Case}/victim-claims", claim, Tokens.Prosecutor);

        Assert.Null(Problem.Check(kmar, HttpStatusCode.NotFound));
        Assert.DoesNotContain("V-ISOLATION-1", kmar.Raw);
        Assert.DoesNotContain("2500", kmar.Raw);
        Assert.True(again.Status == HttpStatusCode.Created, again.ToString());
        Assert.Equal("V-ISOLATION-1", again.Str("victimRef"));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Theory]
    [MemberData(nameof(AgencyBoundRoles))]
    public async Task a_participating_agency_sees_the_case(string role)
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference, agencies: ["KMAR"]);
        var kmar = Tokens.For(role, agency: "KMAR", sub: "u-kmar");

        var failures = await ExpectVisibleAsync(ids, kmar);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task an_investigator_of_a_participating_agency_may_act_on_the_case()
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference, agencies: ["KMAR"]);
        var kmar = Tokens.For("investigator", agency: "KMAR", sub: "u-kmar");

        var freeze = await Client.Call(ApiRoutes.Named("POST /api/assets/{assetId}/freeze"), ids, kmar);
        var add = await Client.Call(ApiRoutes.Named("POST /api/cases/{caseId}/assets"), ids, kmar);

        Assert.True(freeze.Status == HttpStatusCode.OK, freeze.ToString());
        Assert.True(add.Status == HttpStatusCode.Created, add.ToString());
    }

    [Theory]
    [MemberData(nameof(AgencyBoundRoles))]
    public async Task an_agency_claim_that_spells_two_agencies_sees_the_cases_of_neither(string role)
    {
        // Lead FIOD, participating KMAR: a user whose agency is literally "FIOD|KMAR" belongs to neither.
        var ids = await Client.GivenACaseWithAnAsset(Reference, agencies: ["KMAR"]);
        var odd = Tokens.For(role, agency: "FIOD|KMAR", sub: "u-odd");

        var failures = await ExpectInvisibleAsync(ids, role, odd);
        var listed = await ListedCaseIdsAsync(odd, failures);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(listed.Count == 0, "listed although not visible:\n" + string.Join("\n", listed));
    }

    [Fact]
    public async Task the_lead_agency_is_the_agency_of_whoever_opened_the_case()
    {
        var ofOm = await Client.OpenCase("NL-2026-0100", Tokens.For("prosecutor", agency: "OM"));
        var fiod = Tokens.For("investigator", agency: "FIOD");

        Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/cases/{ofOm}", fiod)).Status);
        Assert.Equal("OM", (await Client.Get($"/api/cases/{ofOm}", Tokens.For("prosecutor", agency: "OM"))).Str("leadAgency"));
    }

    [Theory]
    [MemberData(nameof(JurisdictionWideRoles))]
    public async Task treasury_auditors_and_admins_see_every_case_of_their_jurisdiction(string role)
    {
        var ids = await Client.GivenACaseWithAnAsset(Reference);
        var ofOm = await Client.OpenCase("NL-2026-0100", Tokens.For("prosecutor", agency: "OM"));
        await Client.OpenCase("DE-2026-0100", Tokens.For("investigator", "DE"));
        var other = Tokens.For(role, agency: "KMAR", sub: "u-kmar");

        var failures = await ExpectVisibleAsync(ids, other);
        var all = await Client.Get("/api/cases", other);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(2, all["total"].GetInt64());
        var listed = all["items"].EnumerateArray().Select(i => Guid.Parse(i.GetProperty("caseId").GetString()!)).ToHashSet();
        Assert.Equal(new HashSet<Guid> { ids.Case, ofOm }, listed);
    }

    [Fact]
    public async Task an_agency_bound_list_counts_only_the_visible_cases()
    {
        await Client.OpenCase("NL-2026-0001");
        Fixture.Clock.AdvanceMinutes(1);
        await Client.OpenCase("NL-2026-0002", Tokens.For("prosecutor", agency: "OM"));
        Fixture.Clock.AdvanceMinutes(1);
        await Client.OpenCase("NL-2026-0003", Tokens.For("prosecutor", agency: "OM"), agencies: ["FIOD"]);

        var list = await Client.Get("/api/cases?pageSize=1", Tokens.Investigator);

        Assert.Equal(2, list["total"].GetInt64());
        Assert.Single(list["items"].EnumerateArray());
        var refs = new List<string>();
        for (var page = 1; page <= 3; page++)
            refs.AddRange((await Client.Get($"/api/cases?pageSize=1&page={page}", Tokens.Investigator))["items"].EnumerateArray()
                .Select(i => i.GetProperty("reference").GetString()!));
        Assert.Equal(["NL-2026-0003", "NL-2026-0001"], refs);
    }
}
