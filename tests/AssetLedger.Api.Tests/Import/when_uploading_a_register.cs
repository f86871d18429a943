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
}
