using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetLedger.Benchmarks;

public readonly record struct Reply(int Status, byte[] Body)
{
    public bool Ok => Status is >= 200 and < 300;
    public string Text => Encoding.UTF8.GetString(Body);
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// HTTP/1.1 keep-alive client on loopback. It runs in the benchmark process, so the service's
/// thread pool serves requests only.
/// </summary>
public sealed class Api : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient http;

    public Api(string baseUrl, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
    }

    public Task<Reply> GetAsync(string path, string token, CancellationToken ct = default) => SendAsync(HttpMethod.Get, path, token, null, ct);

    public Task<Reply> PostAsync(string path, string token, byte[] body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, token, body, ct);

    public Task<Reply> PostAsync(string path, string token, object body, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, path, token, JsonSerializer.SerializeToUtf8Bytes(body), ct);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? token, byte[]? body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = Json;
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct));
    }

    /// <summary>For seeding: anything but the expected status stops the run with the reply.</summary>
    public async Task<Reply> ExpectAsync(Task<Reply> call, string what, params int[] statuses)
    {
        var reply = await call;
        if (Array.IndexOf(statuses, reply.Status) < 0)
            throw new BenchmarkException($"{what}: expected {string.Join("/", statuses)}, got {reply.Status}: {Truncate(reply.Text, 600)}");
        return reply;
    }

    public static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    public void Dispose() => http.Dispose();
}

/// <summary>Development tokens as the service expects them: HS256, issuer and audience "assetledger".</summary>
public static class Tokens
{
    public static string Create(string signingKey, string sub, string name, string[] roles, string jurisdiction = "NL", string agency = "FIOD")
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = sub, ["name"] = name, ["jurisdiction"] = jurisdiction, ["agency"] = agency,
            ["role"] = roles.Length == 1 ? roles[0] : roles,
        };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "assetledger", Audience = "assetledger", Claims = claims,
            IssuedAt = now, NotBefore = now, Expires = now.AddHours(12),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}

public sealed class BenchmarkException(string message) : Exception(message);
