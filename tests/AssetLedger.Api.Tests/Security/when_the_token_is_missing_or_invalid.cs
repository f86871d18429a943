using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetLedger.Api.Tests.Security;

using AssetLedger.Api.Tests.Infrastructure;

/// <summary>Tokens built by hand, each wrong in exactly one way (S1).</summary>
public static class ForgedTokens
{
    public const string OtherKey = "a-completely-different-signing-key-0123456789";

    public static Dictionary<string, object> Claims(string role = "investigator", string jurisdiction = "NL", string agency = "FIOD", string sub = "u-1")
    {
        var claims = new Dictionary<string, object> { ["name"] = "Test " + role, ["role"] = role, ["agency"] = agency };
        if (sub.Length > 0) claims["sub"] = sub;
        if (jurisdiction.Length > 0) claims["jurisdiction"] = jurisdiction;
        return claims;
    }

    /// <summary>An HS256 token; by default a perfectly valid one for an NL investigator of FIOD.</summary>
    public static string Jwt(
        string key = ApiFixture.SigningKey, string issuer = "assetledger", string audience = "assetledger",
        TimeSpan? notBeforeFromNow = null, TimeSpan? expiresFromNow = null, bool withExpiry = true,
        Dictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var notBefore = now + (notBeforeFromNow ?? TimeSpan.FromMinutes(-1));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Claims = claims ?? Claims(),
            IssuedAt = notBefore, NotBefore = notBefore,
            Expires = withExpiry ? now + (expiresFromNow ?? TimeSpan.FromHours(1)) : null,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string ValidPayload(string role = "investigator")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = "u-1", ["name"] = "Test", ["role"] = role, ["jurisdiction"] = "NL", ["agency"] = "FIOD",
            ["iss"] = "assetledger", ["aud"] = "assetledger", ["iat"] = now - 60, ["nbf"] = now - 60, ["exp"] = now + 3600,
        });
    }

    /// <summary><c>alg: none</c>: an unsigned token with otherwise valid claims and an empty signature.</summary>
    public static string AlgNone(string role = "investigator") =>
        Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url(ValidPayload(role)) + ".";

    /// <summary>A valid token whose payload was swapped for another (more powerful) one, keeping the signature.</summary>
    public static string TamperedPayload()
    {
        var parts = Jwt(claims: Claims("auditor")).Split('.');
        return parts[0] + "." + Base64Url(ValidPayload("admin")) + "." + parts[2];
    }

    /// <summary>A valid header and payload with the signature removed (still claiming HS256).</summary>
    public static string SignatureStripped()
    {
        var parts = Jwt().Split('.');
        return parts[0] + "." + parts[1] + ".";
    }

    /// <summary>Each way of failing authentication, as the raw Authorization header value (null: no header).</summary>
    public static readonly IReadOnlyDictionary<string, Func<string?>> BadCredentials = new Dictionary<string, Func<string?>>
    {
        ["no Authorization header"] = () => null,
        ["Bearer with an empty token"] = () => "Bearer ",
        ["a valid token without the Bearer scheme"] = () => Jwt(),
        ["Basic credentials"] = () => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")),
        ["signed with another key"] = () => "Bearer " + Jwt(key: OtherKey),
        ["wrong issuer"] = () => "Bearer " + Jwt(issuer: "someone-else"),
        ["wrong audience"] = () => "Bearer " + Jwt(audience: "another-service"),
        ["expired five minutes ago"] = () => "Bearer " + Jwt(notBeforeFromNow: TimeSpan.FromHours(-2), expiresFromNow: TimeSpan.FromMinutes(-5)),
        ["not valid for another ten minutes"] = () => "Bearer " + Jwt(notBeforeFromNow: TimeSpan.FromMinutes(10)),
        ["no expiry"] = () => "Bearer " + Jwt(withExpiry: false),
        ["alg none"] = () => "Bearer " + AlgNone(),
        ["alg none claiming admin"] = () => "Bearer " + AlgNone("admin"),
        ["payload tampered after signing"] = () => "Bearer " + TamperedPayload(),
        ["signature stripped"] = () => "Bearer " + SignatureStripped(),
        ["garbage"] = () => "Bearer garbage",
        ["three garbage segments"] = () => "Bearer aaa.bbb.ccc",
        ["no jurisdiction claim"] = () => "Bearer " + Jwt(claims: Claims(jurisdiction: "")),
        ["no sub claim"] = () => "Bearer " + Jwt(claims: Claims(sub: "")),
    };
}

public sealed class when_the_token_is_missing_or_invalid(ApiFixture fixture) : ApiTest(fixture)
{
    public static TheoryData<string> Credentials => new(ForgedTokens.BadCredentials.Keys);

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task every_api_route_answers_401_with_a_problem_and_appends_nothing(string credential)
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var before = await Fixture.EventCountAsync();
        var failures = new List<string>();

        foreach (var route in ApiRoutes.Every)
        {
            var reply = await Client.CallWithAuthorization(route, ids, ForgedTokens.BadCredentials[credential]());
            if (Problem.Check(reply, HttpStatusCode.Unauthorized) is { } issue) failures.Add($"{route.Name}: {issue}");
        }

        Assert.True(failures.Count == 0, $"{credential}:\n" + string.Join("\n", failures));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task the_hand_made_tokens_differ_from_a_valid_one_only_where_intended()
    {
        // Guards the tests above: the same builder, left alone, makes a token the service accepts.
        var ids = await Client.GivenACaseWithAnAsset();
        var valid = await Client.Raw(HttpMethod.Get, $"/api/cases/{ids.Case}", "Bearer " + ForgedTokens.Jwt(), null);
        var freeze = await Client.CallWithAuthorization(ApiRoutes.Named("POST /api/assets/{assetId}/freeze"), ids, "Bearer " + ForgedTokens.Jwt());

        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Equal(HttpStatusCode.OK, freeze.Status);
    }

    [Fact]
    public async Task an_unauthenticated_command_on_an_unknown_resource_is_still_401()
    {
        var unknown = new Ids(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var failures = new List<string>();
        foreach (var route in ApiRoutes.OnOneCase)
        {
            var reply = await Client.Call(route, unknown, null);
            if (Problem.Check(reply, HttpStatusCode.Unauthorized) is { } issue) failures.Add($"{route.Name}: {issue}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

public sealed class when_calling_the_operations_endpoints_without_a_token(ApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task health_answers_200(string url)
    {
        var reply = await Client.Get(url, null);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Fact]
    public async Task the_openapi_document_is_served_and_describes_the_case_routes()
    {
        var reply = await Client.Get("/openapi/v1.json", null);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Contains("json", reply.ContentHeaders!.ContentType!.MediaType);
        Assert.Equal(JsonValueKind.Object, reply.Json.ValueKind);
        Assert.StartsWith("3.", reply.Str("openapi"));
        var paths = reply["paths"].EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/cases", paths);
        Assert.Contains("/api/cases/{caseId}", paths);
        Assert.Contains("/api/assets/{assetId}", paths);
    }
}
