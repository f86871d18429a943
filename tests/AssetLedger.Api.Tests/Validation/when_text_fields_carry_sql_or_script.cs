using System.Net;
using System.Text.Json;

namespace AssetLedger.Api.Tests.Validation;

using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;

/// <summary>
/// R3's other half: SQL and script text in valid text fields is accepted, stored verbatim, and
/// escaped wherever it is output (api.md: format characters such as U+202E too).
/// </summary>
public sealed class when_text_fields_carry_sql_or_script(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Sql = "'; DROP TABLE mt_events; --";
    private const string Script = "<script>alert(1)</script>";
    private const string Rtl = "invoice\u202Egpj.exe";
    private const string Mixed = "Robert'); DELETE FROM assetledger.mt_streams;--\r\n<img src=x onerror=alert('x')>\t\"quoted\" \\ back";

    private static void AssertEscaped(Reply reply, string where)
    {
        Assert.False(reply.Raw.Contains('<'), $"{where}: '<' is output unescaped: {Problem.Short(reply)}");
        Assert.False(reply.Raw.Contains('>'), $"{where}: '>' is output unescaped");
        Assert.False(reply.Raw.Contains('\u202E'), $"{where}: U+202E is output unescaped");
    }

    private static void AssertEscapesTheScript(Reply reply, string where)
    {
        AssertEscaped(reply, where);
        Assert.True(reply.Raw.Contains("\\u003C", StringComparison.OrdinalIgnoreCase), $"{where}: '<' is not written as \\u003C: {Problem.Short(reply)}");
    }

    private static List<string> Strings(JsonElement e)
    {
        var all = new List<string>();
        void Walk(JsonElement x)
        {
            switch (x.ValueKind)
            {
                case JsonValueKind.String: all.Add(x.GetString()!); break;
                case JsonValueKind.Array: foreach (var i in x.EnumerateArray()) Walk(i); break;
                case JsonValueKind.Object: foreach (var p in x.EnumerateObject()) { all.Add(p.Name); Walk(p.Value); } break;
            }
        }
        Walk(e);
        return all;
    }

    [Fact]
    public async Task they_are_accepted_stored_verbatim_and_escaped_on_output()
    {
        var caseId = Guid.NewGuid();
        var opened = await Client.Post("/api/cases", new
        {
            caseId, reference = Sql, title = Script + " " + Rtl, offences = new[] { "other" }, participatingAgencies = new[] { "<KMAR>" },
        }, Tokens.Investigator);
        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        AssertEscapesTheScript(opened, "POST /api/cases");

        var assetId = Guid.NewGuid();
        var added = await Client.Post($"/api/cases/{caseId}/assets", new
        {
            assetId, kind = "other", description = Mixed, identifiers = new Dictionary<string, string> { ["registration"] = "1' OR '1'='1", ["<wallet>"] = Script },
            location = "NL", holder = Rtl,
        }, Tokens.Investigator);
        Assert.True(added.Status == HttpStatusCode.Created, added.ToString());
        AssertEscapesTheScript(added, "POST /api/cases/{caseId}/assets");

        var frozen = await Client.Post($"/api/assets/{assetId}/freeze", new
        {
            commandId = Guid.NewGuid(), orderReference = Sql, frozenAt = "2026-03-01T10:00:00Z", holder = "</script><script>alert(2)</script>",
        }, Tokens.Investigator);
        Assert.True(frozen.Status == HttpStatusCode.OK, frozen.ToString());
        AssertEscapesTheScript(frozen, "POST /api/assets/{assetId}/freeze");

        var summary = await Client.Get($"/api/cases/{caseId}", Tokens.Auditor);
        Assert.Equal(Sql, summary.Str("reference"));
        Assert.Equal(Script + " " + Rtl, summary.Str("title"));
        Assert.Equal("<KMAR>", summary["participatingAgencies"][0].GetString());
        AssertEscapesTheScript(summary, "GET /api/cases/{caseId}");

        var asset = await Client.Get($"/api/assets/{assetId}", Tokens.Auditor);
        Assert.Equal(Mixed, asset.Str("description"));
        Assert.Equal(Rtl, added.Str("holder"));
        Assert.Equal("</script><script>alert(2)</script>", asset["freezing"].GetProperty("holder").GetString());
        Assert.Equal("1' OR '1'='1", asset["identifiers"].GetProperty("registration").GetString());
        Assert.Equal(Script, asset["identifiers"].GetProperty("<wallet>").GetString());
        Assert.Equal(Sql, asset["freezing"].GetProperty("orderReference").GetString());
        AssertEscapesTheScript(asset, "GET /api/assets/{assetId}");

        var caseHistory = await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor);
        var assetHistory = await Client.Get($"/api/assets/{assetId}/history", Tokens.Auditor);
        foreach (var (history, name) in new[] { (caseHistory, "case history"), (assetHistory, "asset history") })
        {
            Assert.True(history.Status == HttpStatusCode.OK, history.ToString());
            AssertEscapesTheScript(history, name);
        }
        var recorded = Strings(caseHistory.Json);
        foreach (var text in new[] { Sql, Script + " " + Rtl, Mixed, Rtl, "1' OR '1'='1", "</script><script>alert(2)</script>" })
            Assert.True(recorded.Contains(text), $"the case history does not hold {JsonSerializer.Serialize(text)} verbatim");

        var list = await Client.Get("/api/cases", Tokens.Auditor);
        AssertEscapesTheScript(list, "GET /api/cases");
        Assert.Equal(Sql, list["items"][0].GetProperty("reference").GetString());

        Assert.True(await Fixture.EventCountAsync() >= 4, "mt_events is still there and counting");
    }

    [Fact]
    public async Task searching_with_sql_script_or_like_wildcards_matches_them_as_plain_substrings()
    {
        await Client.OpenCase("NL-2026-0042");
        var hostile = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await Client.Post("/api/cases", new
        {
            caseId = hostile, reference = "NL-2026-0043", title = "Op " + Sql + " " + Script, offences = new[] { "other" },
        }, Tokens.Investigator)).Status);

        async Task<List<string>> Search(string q)
        {
            var r = await Client.Get("/api/cases?q=" + Uri.EscapeDataString(q), Tokens.Auditor);
            Assert.True(r.Status == HttpStatusCode.OK, $"q={q}: {r}");
            AssertEscaped(r, $"q={q}");
            Assert.Equal(r["items"].GetArrayLength(), r["total"].GetInt64());
            return r["items"].EnumerateArray().Select(i => i.GetProperty("caseId").GetString()!).ToList();
        }

        Assert.Equal([hostile.ToString()], await Search("'; drop TABLE"));
        Assert.Equal([hostile.ToString()], await Search("<SCRIPT>"));
        Assert.Equal([hostile.ToString()], await Search("--"));
        Assert.Empty(await Search("' OR '1'='1"));
        Assert.Empty(await Search("%"));
        Assert.Equal([hostile.ToString()], await Search("mt_e"));
        Assert.Equal([hostile.ToString()], await Search("_"));
        Assert.Empty(await Search("NL-2026-004_"));
        Assert.Empty(await Search("\\"));
        Assert.Empty(await Search("\u202E"));
        Assert.Equal(2, (await Search("NL-2026-004")).Count);
    }

    [Fact]
    public async Task a_search_matches_the_reference_or_the_title_never_a_string_spanning_both()
    {
        await Client.OpenCase("NL-2026-0042"); // title "Operation Lantern"

        foreach (var q in new[] { "0042\noperation", "2\nop", "0042 operation", "0042operation" })
        {
            var r = await Client.Get("/api/cases?q=" + Uri.EscapeDataString(q), Tokens.Auditor);
            Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"q={JsonSerializer.Serialize(q)}: {r}");
            if (r.Status == HttpStatusCode.OK)
                Assert.True(r["total"].GetInt64() == 0, $"q={JsonSerializer.Serialize(q)} is in neither the reference nor the title, yet matches: {r}");
        }
    }

    [Fact]
    public async Task tab_carriage_return_and_line_feed_are_kept()
    {
        const string title = "Line 1\r\nLine 2\n\tindented";
        var id = Guid.NewGuid();
        var opened = await Client.Post("/api/cases", new { caseId = id, reference = "NL-2026-0044", title, offences = new[] { "other" } }, Tokens.Investigator);

        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        Assert.Equal(title, (await Client.Get($"/api/cases/{id}", Tokens.Auditor)).Str("title"));
    }

    [Fact]
    public async Task script_in_the_path_or_in_echoed_values_is_escaped_in_the_problem()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var before = await Fixture.EventCountAsync();

        var getCase = await Client.Get("/api/cases/" + Uri.EscapeDataString(Script), Tokens.Auditor);
        var getAsset = await Client.Get("/api/assets/" + Uri.EscapeDataString("<img src=x>") + "/history", Tokens.Auditor);
        var command = await Client.Post("/api/assets/" + Uri.EscapeDataString("<b>x</b>") + "/freeze", "{}", Tokens.Investigator);
        var currency = await Client.Post($"/api/assets/{ids.Asset}/valuations",
            new { commandId = Guid.NewGuid(), value = new { amount = "1.00", currency = "<a>" }, method = "book", valuer = "V", valuedOn = "2026-03-01" }, Tokens.Investigator);
        var badEnum = await Client.Post($"/api/assets/{ids.Asset}/valuations",
            new { commandId = Guid.NewGuid(), value = new { amount = "1.00", currency = "EUR" }, method = Script, valuer = "V", valuedOn = "2026-03-01" }, Tokens.Investigator);

        Assert.Null(Problem.Check(getCase, HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(getAsset, HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(command, HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(currency, HttpStatusCode.BadRequest));
        Assert.Null(Problem.Check(badEnum, HttpStatusCode.BadRequest));
        foreach (var (r, name) in new[] { (getCase, "case"), (getAsset, "asset"), (command, "command"), (currency, "currency"), (badEnum, "enum") })
            AssertEscaped(r, name);
        Assert.Equal(before, await Fixture.EventCountAsync());
    }
}
