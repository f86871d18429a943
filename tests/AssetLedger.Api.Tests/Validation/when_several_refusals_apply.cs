using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AssetLedger.Api.Tests.Validation;

using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;

/// <summary>A body without a known length: sent chunked, so only reading it can tell its size.</summary>
public sealed class UnknownLengthContent(byte[] bytes) : HttpContent
{
    public UnknownLengthContent Typed(string? type)
    {
        if (type is not null) Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return this;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (var i = 0; i < bytes.Length; i += 8192)
            await stream.WriteAsync(bytes.AsMemory(i, Math.Min(8192, bytes.Length - i)));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

public static class Bodies
{
    public const int Limit = 256 * 1024;

    public static HttpContent Of(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>A syntactically valid open-case body of exactly <paramref name="bytes"/> UTF-8 bytes (the title is padded).</summary>
    public static string OpenCaseOfSize(int bytes)
    {
        var prefix = $$"""{"caseId":"{{Guid.NewGuid()}}","reference":"NL-2026-0900","offences":["other"],"title":" """.TrimEnd();
        const string suffix = "\"}";
        var padding = bytes - Encoding.UTF8.GetByteCount(prefix) - suffix.Length;
        var body = prefix + new string('x', padding) + suffix;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        return body;
    }

    /// <summary>A freeze body padded with a long holder to the given size.</summary>
    public static string FreezeOfSize(int bytes)
    {
        var prefix = $$"""{"commandId":"{{Guid.NewGuid()}}","orderReference":"R-1","frozenAt":"2026-03-01T10:00:00Z","holder":" """.TrimEnd();
        const string suffix = "\"}";
        return prefix + new string('h', bytes - Encoding.UTF8.GetByteCount(prefix) - suffix.Length) + suffix;
    }
}

/// <summary>
/// api.md: when several refusals apply, the first in this order wins: 401, 413/415, 403, 404, 400,
/// 409. And none of them appends anything.
/// </summary>
public sealed class when_several_refusals_apply(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Malformed = "{\"commandId\": 42, \"frozenAt\": \"yesterday\"";
    private static readonly string Oversized = Bodies.FreezeOfSize(300 * 1024);

    private async Task<Reply> Post(string url, string? token, HttpContent content) =>
        await Client.Raw(HttpMethod.Post, url, token is null ? null : "Bearer " + token, content);

    private async Task Expect(HttpStatusCode expected, string url, string? token, HttpContent content, string because)
    {
        var before = await Fixture.EventCountAsync();
        var reply = await Post(url, token, content);
        Assert.True(Problem.Check(reply, expected) is null, $"{because}: {Problem.Check(reply, expected)}");
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task without_a_token_everything_else_is_ignored_401()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var freeze = $"/api/assets/{ids.Asset}/freeze";

        await Expect(HttpStatusCode.Unauthorized, freeze, null, Bodies.Of(Malformed, "application/json"), "no token + malformed body");
        await Expect(HttpStatusCode.Unauthorized, freeze, null, Bodies.Of("hello", "text/plain"), "no token + text/plain");
        await Expect(HttpStatusCode.Unauthorized, freeze, null, Bodies.Of("{}", null), "no token + no content type");
        await Expect(HttpStatusCode.Unauthorized, freeze, null, Bodies.Of(Oversized, "application/json"), "no token + 300 KiB");
        await Expect(HttpStatusCode.Unauthorized, $"/api/assets/{Guid.NewGuid()}/freeze", null, Bodies.Of(Malformed, "application/json"), "no token + unknown asset");
        await Expect(HttpStatusCode.Unauthorized, "/api/cases", null, Bodies.Of("[]", "application/json"), "no token + open case with an array");
    }

    [Fact]
    public async Task a_body_over_256_KiB_is_413()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var freeze = $"/api/assets/{ids.Asset}/freeze";

        await Expect(HttpStatusCode.RequestEntityTooLarge, freeze, Tokens.Investigator, Bodies.Of(Oversized, "application/json"), "300 KiB");
        await Expect(HttpStatusCode.RequestEntityTooLarge, freeze, Tokens.Investigator, Bodies.Of(Bodies.FreezeOfSize(1024 * 1024), "application/json"), "1 MiB");
        await Expect(HttpStatusCode.RequestEntityTooLarge, freeze, Tokens.Investigator, Bodies.Of(Bodies.FreezeOfSize(3 * 1024 * 1024), "application/json"), "3 MiB");
        await Expect(HttpStatusCode.RequestEntityTooLarge, freeze, Tokens.Investigator,
            new UnknownLengthContent(Encoding.UTF8.GetBytes(Oversized)).Typed("application/json"), "300 KiB sent chunked, without Content-Length");
        await Expect(HttpStatusCode.RequestEntityTooLarge, "/api/cases", Tokens.Investigator, Bodies.Of(Bodies.OpenCaseOfSize(Bodies.Limit + 1), "application/json"), "256 KiB + 1 byte");
        await Expect(HttpStatusCode.RequestEntityTooLarge, $"/api/assets/{Guid.NewGuid()}/freeze", Tokens.Investigator, Bodies.Of(Oversized, "application/json"), "300 KiB on an unknown asset (413 before 404)");
    }

    [Fact]
    public async Task a_body_of_exactly_256_KiB_is_read_and_judged_on_its_content()
    {
        var reply = await Post("/api/cases", Tokens.Investigator, Bodies.Of(Bodies.OpenCaseOfSize(Bodies.Limit), "application/json"));

        Assert.Null(Problem.Check(reply, HttpStatusCode.BadRequest));
        Assert.Contains("title", Problem.ErrorFields(reply)!);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("text/json-ish")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task a_body_that_is_not_declared_json_is_415(string? contentType)
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var validFreeze = $$"""{"commandId":"{{Guid.NewGuid()}}","orderReference":"R-1","frozenAt":"2026-03-01T10:00:00Z"}""";
        var validCase = $$"""{"caseId":"{{Guid.NewGuid()}}","reference":"NL-2026-0901","title":"T","offences":["other"]}""";

        await Expect(HttpStatusCode.UnsupportedMediaType, $"/api/assets/{ids.Asset}/freeze", Tokens.Investigator, Bodies.Of(validFreeze, contentType), "valid freeze body");
        await Expect(HttpStatusCode.UnsupportedMediaType, "/api/cases", Tokens.Investigator, Bodies.Of(validCase, contentType), "valid open-case body");
        await Expect(HttpStatusCode.UnsupportedMediaType, $"/api/assets/{ids.Asset}/freeze", Tokens.Auditor, Bodies.Of(validFreeze, contentType), "forbidden role (415 before 403)");
        await Expect(HttpStatusCode.UnsupportedMediaType, $"/api/assets/{Guid.NewGuid()}/freeze", Tokens.Investigator, Bodies.Of(validFreeze, contentType), "unknown asset (415 before 404)");
        await Expect(HttpStatusCode.UnsupportedMediaType, $"/api/cases/{ids.Case}/close", Tokens.Prosecutor, Bodies.Of("{", contentType), "malformed close (415 before 400)");
    }

    [Fact]
    public async Task json_with_a_charset_parameter_is_json()
    {
        var reply = await Post("/api/cases", Tokens.Investigator,
            Bodies.Of($$"""{"caseId":"{{Guid.NewGuid()}}","reference":"NL-2026-0902","title":"T","offences":["other"]}""", "application/json; charset=utf-8"));

        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
    }

    [Fact]
    public async Task a_role_that_may_never_do_it_is_403_before_404_400_and_409()
    {
        var ids = await Client.GivenACaseWithAnAsset();

        await Expect(HttpStatusCode.RequestEntityTooLarge, $"/api/assets/{ids.Asset}/freeze", Tokens.Auditor, Bodies.Of(Oversized, "application/json"), "forbidden role + 300 KiB (413 before 403)");
        await Expect(HttpStatusCode.Forbidden, $"/api/assets/{ids.Asset}/freeze", Tokens.Auditor, Bodies.Of(Malformed, "application/json"), "forbidden role + malformed body");
        await Expect(HttpStatusCode.Forbidden, $"/api/assets/{Guid.NewGuid()}/freeze", Tokens.Auditor, Bodies.Of(Malformed, "application/json"), "forbidden role + unknown asset + malformed body");
        await Expect(HttpStatusCode.Forbidden, $"/api/assets/not-a-uuid/freeze", Tokens.Prosecutor, Bodies.Of("{}", "application/json"), "forbidden role + non-UUID asset");
        await Expect(HttpStatusCode.Forbidden, $"/api/cases/{Guid.NewGuid()}/close", Tokens.Investigator, Bodies.Of("[]", "application/json"), "forbidden role + unknown case + malformed close");
        await Expect(HttpStatusCode.Forbidden, $"/api/cases/{ids.Case}/assets", Tokens.Treasury, Bodies.Of("\"x\"", "application/json"), "forbidden role + malformed asset");
        await Expect(HttpStatusCode.Forbidden, "/api/cases", Tokens.Admin, Bodies.Of("{", "application/json"), "forbidden role + malformed open case");
        var realise = $$"""{"commandId":"{{Guid.NewGuid()}}","gross":{"amount":"1.00","currency":"EUR"},"costs":{"amount":"0","currency":"EUR"},"method":"sale","realisedOn":"2026-06-02"}""";
        await Expect(HttpStatusCode.Forbidden, $"/api/assets/{ids.Asset}/realisation", Tokens.Investigator, Bodies.Of(realise, "application/json"), "forbidden role + command illegal in the status");
    }

    [Fact]
    public async Task an_unknown_resource_is_404_before_400()
    {
        var ids = await Client.GivenACaseWithAnAsset();

        await Expect(HttpStatusCode.NotFound, $"/api/assets/{Guid.NewGuid()}/freeze", Tokens.Investigator, Bodies.Of(Malformed, "application/json"), "unknown asset + malformed body");
        await Expect(HttpStatusCode.NotFound, $"/api/assets/{Guid.NewGuid()}/valuations", Tokens.Treasury, Bodies.Of("{}", "application/json"), "unknown asset + empty object");
        await Expect(HttpStatusCode.NotFound, $"/api/assets/{Guid.NewGuid()}/orders", Tokens.Prosecutor, Bodies.Of("", "application/json"), "unknown asset + empty body");
        await Expect(HttpStatusCode.NotFound, "/api/assets/not-a-uuid/freeze", Tokens.Investigator, Bodies.Of(Malformed, "application/json"), "non-UUID asset id + malformed body");
        await Expect(HttpStatusCode.NotFound, $"/api/cases/{Guid.NewGuid()}/close", Tokens.Prosecutor, Bodies.Of("{", "application/json"), "unknown case + malformed close");
        await Expect(HttpStatusCode.NotFound, $"/api/cases/{Guid.NewGuid()}/assets", Tokens.Investigator, Bodies.Of("{\"kind\": 5}", "application/json"), "unknown case + malformed asset");
        await Expect(HttpStatusCode.NotFound, $"/api/cases/{ids.Asset}/assets", Tokens.Investigator, Bodies.Of("{}", "application/json"), "an asset id where a case id belongs + malformed body");
        await Expect(HttpStatusCode.NotFound, $"/api/assets/{ids.Case}/seize", Tokens.Investigator, Bodies.Of("{}", "application/json"), "a case id where an asset id belongs + malformed body");
    }

    [Fact]
    public async Task a_malformed_command_that_would_also_be_illegal_in_the_status_is_400_not_409()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var realisation = $"/api/assets/{ids.Asset}/realisation";
        var badRealise = $$"""{"commandId":"{{Guid.NewGuid()}}","gross":{"amount":"1.001","currency":"EUR"},"costs":{"amount":"0","currency":"EUR"},"method":"sale","realisedOn":"2026-06-02"}""";
        var goodRealise = $$"""{"commandId":"{{Guid.NewGuid()}}","gross":{"amount":"1.00","currency":"EUR"},"costs":{"amount":"0","currency":"EUR"},"method":"sale","realisedOn":"2026-06-02"}""";

        await Expect(HttpStatusCode.BadRequest, realisation, Tokens.Treasury, Bodies.Of(badRealise, "application/json"), "identified asset + too many decimals");
        await Expect(HttpStatusCode.Conflict, realisation, Tokens.Treasury, Bodies.Of(goodRealise, "application/json"), "identified asset + valid body");

        var finality = $"/api/assets/{ids.Asset}/finality";
        await Expect(HttpStatusCode.BadRequest, finality, Tokens.Prosecutor, Bodies.Of($$"""{"commandId":"{{Guid.NewGuid()}}","orderId":"{{Guid.NewGuid()}}","finalOn":"2026-02-30"}""", "application/json"), "unknown order + bad date");
        await Expect(HttpStatusCode.Conflict, finality, Tokens.Prosecutor, Bodies.Of($$"""{"commandId":"{{Guid.NewGuid()}}","orderId":"{{Guid.NewGuid()}}","finalOn":"2026-02-28"}""", "application/json"), "unknown order + valid body");

        var close = $"/api/cases/{ids.Case}/close";
        await Expect(HttpStatusCode.BadRequest, close, Tokens.Prosecutor, Bodies.Of($$"""{"commandId":"{{Guid.NewGuid()}}"}""", "application/json"), "open asset + no reason");
        await Expect(HttpStatusCode.Conflict, close, Tokens.Prosecutor, Bodies.Of($$"""{"commandId":"{{Guid.NewGuid()}}","reason":"done"}""", "application/json"), "open asset + valid body");

        var duplicate = $$"""{"caseId":"{{Guid.NewGuid()}}","reference":"NL-2026-0042","title":"","offences":["other"]}""";
        await Expect(HttpStatusCode.BadRequest, "/api/cases", Tokens.Investigator, Bodies.Of(duplicate, "application/json"), "duplicate reference + empty title");
    }
}
