using System.Net;
using System.Net.Sockets;
using Alba;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace AssetLedger.Api.Tests.Operations;

/// <summary>A service whose database does not answer fails fast with 503 and Retry-After, never a 500 or a hang.</summary>
public sealed class when_the_database_does_not_answer : IAsyncLifetime
{
    private IAlbaHost _host = null!;
    private Infrastructure.Api _api = null!;

    public async Task InitializeAsync()
    {
        // A port nobody listens on: connections are refused at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _host = await AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:AssetLedger", $"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=2");
            b.UseSetting("Auth:SigningKey", ApiFixture.SigningKey);
            b.UseSetting("Database:AutoCreate", "false");
        });
        _api = new Infrastructure.Api(_host.Server.CreateClient());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task readiness_is_503_and_liveness_200()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _api.Get("/health/ready", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.Get("/health/live", null)).Status);
    }

    [Fact]
    public async Task reads_and_commands_are_503_problems_with_retry_after()
    {
        var read = await _api.Get("/api/cases", Tokens.Auditor);
        var write = await _api.Post("/api/cases", new { caseId = Guid.NewGuid(), reference = "NL-1", title = "T", offences = new[] { "other" } }, Tokens.Investigator);

        foreach (var r in new[] { read, write })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.Equal("application/problem+json", r.ContentHeaders!.ContentType!.MediaType);
            Assert.NotNull(r.Headers.RetryAfter);
        }
    }
}
