using System.Net;
using System.Text;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;
using AssetLedger.Import;

namespace AssetLedger.Api.Tests.Import;

/// <summary>
/// <c>POST /api/admin/imports</c> and <c>GET /api/admin/imports/{importId}</c>: an admin uploads a register,
/// the import runs in the background, its progress and report are read back; other roles, other
/// jurisdictions and files that are not registers are refused with a problem and change nothing.
/// </summary>
public sealed class when_uploading_a_register(ApiFixture fixture) : ApiTest(fixture)
{
    private Task<Reply> Upload(string csv, string? token, string contentType = "text/csv") =>
        Client.Send(HttpMethod.Post, "/api/admin/imports", token, new StringContent(csv, Encoding.UTF8, contentType));

    private async Task<Reply> Completed(string location, string token) =>
        await Scenarios.Eventually(() => Client.Get(location, token), r => r.Status == HttpStatusCode.OK && r.Str("status") != "running", 20_000);

    [Fact]
    public async Task an_admin_uploads_a_register_and_reads_its_report()
    {
        var csv = new RegisterGenerator(120, 21, "NL", InvalidEvery: 30).ToCsv();
        var accepted = await Upload(csv, Tokens.Admin);
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.ToString());
        var location = accepted.Headers.Location!.ToString();
        Assert.Equal($"/api/admin/imports/{accepted.Str("importId")}", location);

        var done = await Completed(location, Tokens.Auditor);
        Assert.Equal("completed", done.Str("status"));
        var report = done["report"];
        Assert.Equal(120, report.GetProperty("rows").GetInt32());
        Assert.Equal(116, report.GetProperty("imported").GetInt32());
        Assert.Equal(4, report.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()).Distinct().Count());
        Assert.Equal(report.GetProperty("eventsWritten").GetInt64(), await Fixture.EventCountAsync());

        var rejected = await Client.Get(location + "?format=csv", Tokens.Admin);
        Assert.Equal(HttpStatusCode.OK, rejected.Status);
        Assert.StartsWith("row,field,reason\n30,", rejected.Raw);

        // The same file again: a new run that finds every case there.
        var again = await Upload(csv, Tokens.Admin);
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        var second = await Completed(location, Tokens.Admin);
        Assert.Equal((0, 116), (second["report"].GetProperty("imported").GetInt32(), second["report"].GetProperty("alreadyImported").GetInt32()));
        Assert.Equal(report.GetProperty("eventsWritten").GetInt64(), await Fixture.EventCountAsync());
    }

    [Theory]
    [InlineData("investigator")]
    [InlineData("prosecutor")]
    [InlineData("treasury")]
    [InlineData("auditor")]
    public async Task only_an_admin_may_upload(string role)
    {
        var reply = await Upload(new RegisterGenerator(5, 1).ToCsv(), Tokens.For(role));
        Assert.Null(Problem.Check(reply, HttpStatusCode.Forbidden));
        Assert.Equal(0, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task the_report_is_for_the_admin_and_auditor_of_its_jurisdiction_only()
    {
        var accepted = await Upload(new RegisterGenerator(10, 2).ToCsv(), Tokens.Admin);
        var location = accepted.Headers.Location!.ToString();
        await Completed(location, Tokens.Admin);

        Assert.Null(Problem.Check(await Client.Get(location, Tokens.For("admin", "ES", "UDEF")), HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(await Client.Get(location, Tokens.Investigator), HttpStatusCode.Forbidden));
        Assert.Null(Problem.Check(await Client.Get("/api/admin/imports/" + new string('0', 64), Tokens.Admin), HttpStatusCode.NotFound));
        Assert.Null(Problem.Check(await Client.Get(location + "?format=xml", Tokens.Admin), HttpStatusCode.BadRequest));
        Assert.Null(Problem.Check(await Client.Get(location, null), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task a_file_that_is_not_a_register_is_refused_at_once_and_changes_nothing()
    {
        var wrongType = await Upload(new RegisterGenerator(5, 1).ToCsv(), Tokens.Admin, "application/json");
        Assert.Null(Problem.Check(wrongType, HttpStatusCode.UnsupportedMediaType));

        var unknown = await Upload("case_reference,colour\r\nX,red\r\n", Tokens.Admin);
        Assert.Null(Problem.Check(unknown, HttpStatusCode.BadRequest));
        Assert.Contains("Unknown column(s): 'colour'", unknown["errors"].GetProperty("file")[0].GetString());

        var empty = await Upload("", Tokens.Admin);
        Assert.Null(Problem.Check(empty, HttpStatusCode.BadRequest));
        Assert.Equal(0, await Fixture.EventCountAsync());
    }

    /// <summary>R3 for the upload: files that are not a register, whatever their bytes; each a 4xx problem, nothing appended.</summary>
    public static TheoryData<string, string, string> MalformedUploads()
    {
        var header = string.Join(",", LegacyRegister.Columns);
        var data = new TheoryData<string, string, string>
        {
            { "json instead of csv", "application/json", "{\"case_reference\":\"X\"}" },
            { "form post", "application/x-www-form-urlencoded", "case_reference=X" },
            { "no content type", "", header + "\r\n" },
            { "empty", "text/csv", "" },
            { "only a newline", "text/csv", "\r\n" },
            { "unknown column", "text/csv", header + ",colour\r\n" },
            { "column twice", "text/csv", header + ",kind\r\n" },
            { "required column missing", "text/csv", string.Join(",", LegacyRegister.Columns.Where(c => c != "status")) + "\r\n" },
            { "header in another case", "text/csv", header.ToUpperInvariant() + "\r\n" },
            { "semicolon separated", "text/csv", string.Join(";", LegacyRegister.Columns) + "\r\n" },
            { "tab separated", "text/csv", string.Join("\t", LegacyRegister.Columns) + "\r\n" },
            { "broken quote in the header", "text/csv", "\"case_reference,case_title\r\n" },
            { "html", "text/csv", "<html><body>register</body></html>" },
            { "sql", "text/csv", "case_reference'; drop table assetledger.mt_events; --" },
            { "control characters", "text/csv", "case_\u0001reference,\u0007\r\n" },
            { "binary", "text/csv", Encoding.Latin1.GetString([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0xFF, 0xFE]) },
            { "a megabyte of one header name", "text/csv", new string('x', 1024 * 1024) },
            { "a megabyte of commas", "text/csv", new string(',', 1024 * 1024) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedUploads))]
    public async Task a_malformed_upload_is_a_4xx_problem_and_appends_nothing(string what, string contentType, string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType.Length > 0 ? new System.Net.Http.Headers.MediaTypeHeaderValue(contentType) : null;
        var reply = await Client.Send(HttpMethod.Post, "/api/admin/imports", Tokens.Admin, content);
        Assert.True((int)reply.Status is >= 400 and < 500, $"{what}: {reply}");
        Assert.Equal("application/problem+json", reply.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal(0, await Fixture.EventCountAsync());
    }
}
