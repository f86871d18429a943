using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alba;
using AssetLedger.Api.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// One service host per test run, on its own database of a real PostgreSQL (see TestDatabase),
/// with a fake clock. Tests reset the store before each test (ApiTest.InitializeAsync).
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";

    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 3, 1, 9, 0));
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var server = await TestDatabase.Shared;
        ConnectionString = await server.CreateDatabaseAsync("api_tests_" + Guid.NewGuid().ToString("N")[..8]);
        Host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:AssetLedger", ConnectionString);
            b.UseSetting("Auth:SigningKey", SigningKey);
            b.UseSetting("Database:AutoCreate", "true");
            // This host is NL's ledger for certificates; its peer DE is not running (no test here
            // transmits: the two-ledger tests in Cooperation/ start both sides).
            b.UseSetting("Cooperation:State", "NL");
            b.UseSetting("Cooperation:Peers:DE:BaseUrl", "http://127.0.0.1:9");
            b.UseSetting("Cooperation:Peers:DE:Key", "single-host-tests-peer-key-0123456789");
            b.ConfigureServices(s => s.AddSingleton<IClock>(Clock));
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>
    /// The number of events in the store, without Marten's own <c>tombstone</c> rows. Marten writes
    /// a tombstone in place of every event of a transaction that failed (here: a request that lost an
    /// optimistic-concurrency race and was retried or refused), so that the sequence has no gaps for
    /// its async daemon. They belong to no stream of the domain and never show in a history, so they
    /// are not "appended" in the sense of api.md.
    /// </summary>
    public async Task<long> EventCountAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from assetledger.mt_events where type <> 'tombstone'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Runs SQL on a connection of its own (a test's own functions and triggers).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>Base of every HTTP test: a clean store and a reset clock before each test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(ApiFixture fixture) : IAsyncLifetime
{
    protected ApiFixture Fixture { get; } = fixture;
    protected Api Client { get; } = new(fixture.Host.Server.CreateClient());

    public async Task InitializeAsync()
    {
        // A request the previous test abandoned at the service's deadline may still be finishing;
        // its transaction and the TRUNCATEs of the reset can deadlock. PostgreSQL aborts one side
        // and the reset simply runs again once that work has ended.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Fixture.Host.ResetAllMartenDataAsync();
                break;
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState is "40P01" or "55P03" && attempt < 10)
            {
                await Task.Delay(200 * attempt);
            }
        }
        Fixture.Clock.Reset(Instant.FromUtc(2026, 3, 1, 9, 0));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public static class Tokens
{
    public static string For(string role, string jurisdiction = "NL", string agency = "FIOD", string sub = "u-1", string? key = null) =>
        Auth.CreateToken(key ?? ApiFixture.SigningKey, sub, "Test " + role, role.Split(','), jurisdiction, agency, TimeSpan.FromHours(1));

    public static readonly string Investigator = For("investigator");
    public static readonly string Prosecutor = For("prosecutor");
    public static readonly string Treasury = For("treasury");
    public static readonly string Auditor = For("auditor");
    public static readonly string Admin = For("admin");
}

/// <summary>The people of one jurisdiction and agency: tokens for each role.</summary>
public sealed record Desk(string Jurisdiction, string Agency)
{
    public string Investigator { get; } = Tokens.For("investigator", Jurisdiction, Agency);
    public string Prosecutor { get; } = Tokens.For("prosecutor", Jurisdiction, Agency);
    public string Treasury { get; } = Tokens.For("treasury", Jurisdiction, Agency);
    public string Auditor { get; } = Tokens.For("auditor", Jurisdiction, Agency);
    public string Admin { get; } = Tokens.For("admin", Jurisdiction, Agency);

    public static readonly Desk NL = new("NL", "FIOD");
    public static readonly Desk ES = new("ES", "UDEF");
    public static readonly Desk US = new("US", "FBI");
    public static readonly Desk GB = new("GB", "NCA");
}

public sealed record Reply(HttpStatusCode Status, JsonElement Json, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, string Raw)
{
    public JsonElement this[string name] => Json.GetProperty(name);
    public string Str(string name) => Json.GetProperty(name).GetString()!;
    public override string ToString() => $"{(int)Status} {Raw}";
}

/// <summary>A thin HTTP client speaking the API's JSON.</summary>
public sealed class Api(HttpClient http)
{
    public HttpClient Http => http;

    public Task<Reply> Post(string url, object body, string? token, string contentType = "application/json") =>
        Send(HttpMethod.Post, url, token, Json(body, contentType));

    public Task<Reply> Get(string url, string? token, string? accept = null) => Send(HttpMethod.Get, url, token, null, accept);

    public static StringContent Json(object body, string contentType = "application/json") =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, contentType);

    /// <summary>A request with a bearer token (or none), and any further headers added without validation.</summary>
    public async Task<Reply> Send(HttpMethod method, string url, string? token, HttpContent? content, string? accept = null,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        return await Send(request);
    }

    /// <summary>
    /// Sends a request and reads the reply: a body starting with <c>{</c> or <c>[</c> is parsed as JSON (a parse
    /// error throws, unless <paramref name="lenient"/>: then the reply has no JSON, only its raw text).
    /// </summary>
    public async Task<Reply> Send(HttpRequestMessage request, bool lenient = false)
    {
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        if (raw.Length > 0 && (raw[0] == '{' || raw[0] == '['))
        {
            try { json = JsonDocument.Parse(raw).RootElement.Clone(); }
            catch (JsonException) when (lenient) { }
        }
        return new Reply(response.StatusCode, json, response.Headers, response.Content.Headers, raw);
    }
}
