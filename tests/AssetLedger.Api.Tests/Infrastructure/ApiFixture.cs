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
            b.ConfigureServices(s => s.AddSingleton<IClock>(Clock));
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async Task<long> EventCountAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from assetledger.mt_events where type <> 'tombstone'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
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
        Send(HttpMethod.Post, url, token, new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, contentType));

    public Task<Reply> Get(string url, string? token, string? accept = null) => Send(HttpMethod.Get, url, token, null, accept);

    public async Task<Reply> Send(HttpMethod method, string url, string? token, HttpContent? content, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var json = raw.Length > 0 && (raw[0] == '{' || raw[0] == '[') ? JsonDocument.Parse(raw).RootElement.Clone() : default;
        return new Reply(response.StatusCode, json, response.Headers, response.Content.Headers, raw);
    }
}
