using AssetLedger.Api.Tests.Infrastructure;

namespace AssetLedger.Api.Tests.Cases;

public sealed class when_listing_cases(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task search_is_a_case_insensitive_substring_with_no_wildcards()
    {
        await Client.OpenCase("NL-2026-0042");
        await Client.OpenCase("NL-2026-0043");

        Assert.Equal(2, (await Client.Get("/api/cases?q=lantern", Tokens.Auditor))["total"].GetInt64());
        Assert.Equal(1, (await Client.Get("/api/cases?q=nl-2026-0043", Tokens.Auditor))["total"].GetInt64());
        Assert.Equal(0, (await Client.Get("/api/cases?q=%25", Tokens.Auditor))["total"].GetInt64());
        Assert.Equal(0, (await Client.Get("/api/cases?q=NL_2026", Tokens.Auditor))["total"].GetInt64());
    }

    [Fact]
    public async Task an_agency_code_with_wildcard_characters_sees_nothing_of_other_agencies()
    {
        await Client.OpenCase();

        foreach (var agency in new[] { "F_OD", "%", "FIO%", "_IOD" })
            Assert.Equal(0, (await Client.Get("/api/cases", Tokens.For("investigator", agency: agency)))["total"].GetInt64());
        Assert.Equal(1, (await Client.Get("/api/cases", Tokens.Investigator))["total"].GetInt64());
    }

    [Fact]
    public async Task pages_are_newest_first()
    {
        await Client.OpenCase("A-1");
        Fixture.Clock.AdvanceMinutes(1);
        await Client.OpenCase("A-2");
        Fixture.Clock.AdvanceMinutes(1);
        await Client.OpenCase("A-3");

        var page = await Client.Get("/api/cases?page=2&pageSize=2", Tokens.Auditor);

        Assert.Equal(3, page["total"].GetInt64());
        Assert.Equal("A-1", Assert.Single(page["items"].EnumerateArray()).GetProperty("reference").GetString());
        Assert.Equal("A-3", (await Client.Get("/api/cases?pageSize=1", Tokens.Auditor))["items"][0].GetProperty("reference").GetString());
    }
}
