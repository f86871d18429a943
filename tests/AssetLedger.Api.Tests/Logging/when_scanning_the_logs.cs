using System.Net;
using System.Net.Sockets;
using System.Text;
using Alba;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Logging;

/// <summary>
/// S5: the logs of a full scenario, captured from the service's own Serilog pipeline, carry no
/// token, no part of the signing key and no victim reference; every request-completion event
/// carries the correlation id, the user and the route; expected refusals (4xx, 409 races, 503 in an
/// outage) are logged at Warning or below, and nothing at Error.
/// </summary>
[Collection(SerialHostsCollection.Name)]
public sealed class when_scanning_the_logs(ITestOutputHelper output)
{
    private const string VictimRef = "VICTIM-SECRET-REF-123";
    private const string OtherSigningKey = "an-attackers-own-signing-key-9876543210zyxwvu";

    /// <summary>A service host on a database of its own whose log events all land in <paramref name="logs"/>.</summary>
    private static Task<IAlbaHost> HostAsync(string connectionString, CapturedLogs logs, string minimumLevel, bool autoCreate = true) =>
        AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:AssetLedger", connectionString);
            b.UseSetting("Auth:SigningKey", ApiFixture.SigningKey);
            b.UseSetting("Database:AutoCreate", autoCreate ? "true" : "false");
            b.UseSetting("Serilog:MinimumLevel:Default", minimumLevel);
            b.ConfigureServices(s =>
            {
                s.AddSingleton<ILogEventSink>(logs);
                s.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2026, 3, 1, 9, 0)));
            });
        });

    /// <summary>Records every reply with the user it should be logged under, to match it with its request-completion event.</summary>
    private sealed class RecordingApi(Infrastructure.Api api)
    {
        public List<(Reply Reply, string User)> Replies { get; } = [];

        public async Task<Reply> Post(string url, object body, string? token, HttpStatusCode expected) =>
            Check(await api.Post(url, body, token), token, expected);

        public async Task<Reply> Get(string url, string? token, HttpStatusCode expected) =>
            Check(await api.Get(url, token), token, expected);

        public async Task<Reply> Send(HttpRequestMessage request, HttpStatusCode expected)
        {
            using var response = await api.Http.SendAsync(request);
            var raw = await response.Content.ReadAsStringAsync();
            return Check(new Reply(response.StatusCode, default, response.Headers, response.Content.Headers, raw), request.Headers.Authorization?.Parameter, expected);
        }

        public void Add(Reply reply, string? token) => Replies.Add((reply, UserOf(reply, token)));

        private Reply Check(Reply reply, string? token, HttpStatusCode expected)
        {
            Add(reply, token);
            Assert.True(reply.Status == expected, $"expected {(int)expected}, got {reply}");
            return reply;
        }

        // Every test token has sub u-1; a request without a valid token is anonymous.
        private static string UserOf(Reply reply, string? token) =>
            token is null || reply.Status == HttpStatusCode.Unauthorized ? "anonymous" : "u-1";
    }

    private static string[] AllRoleTokens => [Tokens.Investigator, Tokens.Prosecutor, Tokens.Treasury, Tokens.Auditor, Tokens.Admin];

    [Theory]
    [InlineData("Information")] // as configured in appsettings.json
    [InlineData("Debug")]       // what an operator turns on to investigate
    public async Task a_full_scenario_leaks_no_secret_and_every_request_is_attributable(string minimumLevel)
    {
        var logs = new CapturedLogs();
        var server = await TestDatabase.Shared;
        var connectionString = await server.CreateDatabaseAsync("logging_" + Guid.NewGuid().ToString("N")[..8]);
        var badToken = Tokens.For("investigator", key: OtherSigningKey);
        List<(Reply Reply, string User)> replies;

        await using (var host = await HostAsync(connectionString, logs, minimumLevel))
        {
            var api = new RecordingApi(new Infrastructure.Api(host.Server.CreateClient()));

            // The lifecycle, end to end
            var caseId = Guid.NewGuid();
            await api.Post("/api/cases", new { caseId, reference = "NL-2026-0042", title = "Operation Lantern", offences = new[] { "trafficking_in_human_beings" }, participatingAgencies = Array.Empty<string>() },
                Tokens.Investigator, HttpStatusCode.Created);
            var asset = Guid.NewGuid();
            await api.Post($"/api/cases/{caseId}/assets", new { assetId = asset, kind = "bank_account", description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location = "NL", holder = "Shell company B.V." },
                Tokens.Investigator, HttpStatusCode.Created);
            await api.Post($"/api/assets/{asset}/freeze", new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Money("250000.00") }, Tokens.Investigator, HttpStatusCode.OK);
            await api.Post($"/api/assets/{asset}/seize", new { commandId = Guid.NewGuid(), custodian = "ORD", location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" }, Tokens.Investigator, HttpStatusCode.OK);
            var order = Guid.NewGuid();
            await api.Post($"/api/assets/{asset}/orders", new { commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam", reference = "C-1", issuedOn = "2026-05-01" }, Tokens.Prosecutor, HttpStatusCode.OK);
            await api.Post($"/api/assets/{asset}/finality", new { commandId = Guid.NewGuid(), orderId = order, finalOn = "2026-06-01" }, Tokens.Prosecutor, HttpStatusCode.OK);
            await api.Post($"/api/assets/{asset}/realisation", new { commandId = Guid.NewGuid(), gross = Money("250000.00"), costs = Money("12000.00"), method = "sale", realisedOn = "2026-06-02" }, Tokens.Treasury, HttpStatusCode.OK);
            var claimId = Guid.NewGuid();
            await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId, victimRef = VictimRef, amount = Money("40000.00"), basis = "compensation order", priorityRank = (int?)null },
                Tokens.Prosecutor, HttpStatusCode.Created);
            var distributionId = Guid.NewGuid();
            await api.Post($"/api/cases/{caseId}/distributions", Distribution.DistributionKit.Body(distributionId, "eu-2018-1805", "DE"), Tokens.Treasury, HttpStatusCode.Created);

            // Reads that return the victim reference
            await api.Get($"/api/cases/{caseId}/victim-claims", Tokens.Auditor, HttpStatusCode.OK);
            await api.Get($"/api/cases/{caseId}/distributions/{distributionId}", Tokens.Auditor, HttpStatusCode.OK);
            await api.Get($"/api/cases/{caseId}/history", Tokens.Auditor, HttpStatusCode.OK);
            await api.Get($"/api/assets/{asset}", Tokens.Prosecutor, HttpStatusCode.OK);
            await api.Get("/api/audit/verify", Tokens.Auditor, HttpStatusCode.OK);
            foreach (var token in AllRoleTokens)
                await api.Get("/api/cases", token, HttpStatusCode.OK);

            // 400: a malformed body, and a claim whose victim reference is there but the amount is not money
            await api.Send(new HttpRequestMessage(HttpMethod.Post, "/api/cases")
            {
                Content = new StringContent("{\"caseId\": ", Encoding.UTF8, "application/json"),
                Headers = { Authorization = new("Bearer", Tokens.Investigator) },
            }, HttpStatusCode.BadRequest);
            await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = VictimRef, amount = "a lot", basis = "compensation order" }, Tokens.Prosecutor, HttpStatusCode.BadRequest);

            // 401: a token signed with another key (on a request that carries the victim reference), garbage, none
            await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = VictimRef, amount = Money("1.00"), basis = "compensation order" }, badToken, HttpStatusCode.Unauthorized);
            await api.Get("/api/cases", badToken, HttpStatusCode.Unauthorized);
            await api.Get("/api/cases", "not-a-jwt." + Tokens.Investigator[^20..], HttpStatusCode.Unauthorized);
            await api.Get("/api/cases", null, HttpStatusCode.Unauthorized);

            // 403: a role that may never do this
            await api.Get("/api/audit/verify", Tokens.Investigator, HttpStatusCode.Forbidden);
            await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = VictimRef, amount = Money("1.00"), basis = "compensation order" }, Tokens.Investigator, HttpStatusCode.Forbidden);

            // 404: nothing there
            await api.Get($"/api/cases/{Guid.NewGuid()}", Tokens.Auditor, HttpStatusCode.NotFound);
            await api.Post($"/api/cases/{Guid.NewGuid()}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = VictimRef, amount = Money("1.00"), basis = "compensation order" }, Tokens.Prosecutor, HttpStatusCode.NotFound);

            // 409: an illegal transition, a claim id reused with a different body (and the victim reference)
            await api.Post($"/api/assets/{asset}/freeze", new { commandId = Guid.NewGuid(), orderReference = "R-2", frozenAt = "2026-07-01T10:00:00Z", amount = Money("1.00") }, Tokens.Investigator, HttpStatusCode.Conflict);
            await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId, victimRef = VictimRef, amount = Money("40000.01"), basis = "compensation order" }, Tokens.Prosecutor, HttpStatusCode.Conflict);

            // 409 races: conflicting commands on one asset at once; exactly one wins
            var contested = Guid.NewGuid();
            await api.Post($"/api/cases/{caseId}/assets", new { assetId = contested, kind = "vehicle", description = "Car", identifiers = new { vin = "WVWZZZ1JZXW000001" }, location = "NL", holder = "Shell company B.V." },
                Tokens.Investigator, HttpStatusCode.Created);
            var racers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new Infrastructure.Api(host.Server.CreateClient())
                .Post($"/api/assets/{contested}/freeze", new { commandId = Guid.NewGuid(), orderReference = "R-3", frozenAt = "2026-03-01T10:00:00Z", amount = (object?)null }, Tokens.Investigator)));
            Assert.Equal(1, racers.Count(r => r.Status == HttpStatusCode.OK));
            Assert.All(racers, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, r.ToString()));
            foreach (var r in racers) api.Add(r, Tokens.Investigator);

            // A correlation id sent by the caller is the one logged
            var withCorrelation = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{caseId}") { Headers = { Authorization = new("Bearer", Tokens.Prosecutor) } };
            withCorrelation.Headers.Add("X-Correlation-ID", "caller-chosen-id-42");
            await api.Send(withCorrelation, HttpStatusCode.OK);

            await WaitForRequestCompletions(logs, api.Replies.Count);
            replies = api.Replies;
        }

        Summarise(logs);
        var secrets = SecretsIn(AllRoleTokens.Append(badToken), [ApiFixture.SigningKey, OtherSigningKey]).Append(VictimRef).ToList();
        Assert.Multiple(
            () => AssertNoSecret(logs, secrets),
            () => AssertNothingAtError(logs),
            () => AssertEveryRequestIsAttributable(logs, replies),
            () => Assert.Contains(logs.RequestCompletions, e => CapturedLogs.Scalar(e, "CorrelationId") == "caller-chosen-id-42"));
    }

    [Fact]
    public async Task an_outage_is_logged_as_a_warning_not_an_error()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var logs = new CapturedLogs();
        List<(Reply Reply, string User)> replies;

        await using (var host = await HostAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=2", logs, "Information", autoCreate: false))
        {
            var api = new RecordingApi(new Infrastructure.Api(host.Server.CreateClient()));
            await api.Get("/api/cases", Tokens.Auditor, HttpStatusCode.ServiceUnavailable);
            await api.Post("/api/cases", new { caseId = Guid.NewGuid(), reference = "NL-1", title = "T", offences = new[] { "other" } }, Tokens.Investigator, HttpStatusCode.ServiceUnavailable);
            await api.Post($"/api/cases/{Guid.NewGuid()}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = VictimRef, amount = Money("40000.00"), basis = "compensation order" },
                Tokens.Prosecutor, HttpStatusCode.ServiceUnavailable);
            await api.Get("/health/ready", null, HttpStatusCode.ServiceUnavailable);

            await WaitForRequestCompletions(logs, api.Replies.Count);
            replies = api.Replies;
        }

        Summarise(logs);
        Assert.Multiple(
            () => AssertNoSecret(logs, SecretsIn(AllRoleTokens, [ApiFixture.SigningKey]).Append(VictimRef).ToList()),
            () => AssertNothingAtError(logs),
            () => AssertEveryRequestIsAttributable(logs, replies));
    }

    [Fact]
    public void the_scan_finds_a_secret_wherever_an_event_carries_it()
    {
        var secret = "VICTIM-SECRET-REF-123";
        var logs = new CapturedLogs();
        using (var logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(logs).CreateLogger())
        {
            logger.Information("A claim for {VictimRef}", secret.ToLowerInvariant());
            logger.Information("A claim {@Claim}", new { Amount = 1m, Parties = new[] { new { Ref = "x-" + secret + "-y" } } });
            logger.Information("Headers {Headers}", new Dictionary<string, string> { ["Authorization"] = "Bearer " + secret });
            logger.Warning(new InvalidOperationException("failed for " + secret), "Something failed");
            logger.Debug("Plain text " + secret);
        }

        foreach (var e in logs.Events)
            Assert.Contains(CapturedLogs.Texts(e), text => text.Contains(secret, StringComparison.OrdinalIgnoreCase));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertNoSecret(logs, [secret]));
    }

    private void Summarise(CapturedLogs logs)
    {
        output.WriteLine($"{logs.Events.Count} events, {logs.RequestCompletions.Count} request completions");
        foreach (var group in logs.Events.GroupBy(e => (e.Level, Source: CapturedLogs.Scalar(e, "SourceContext") ?? "")).OrderBy(g => g.Key))
            output.WriteLine($"  {group.Key.Level,-12} {group.Count(),4}  {group.Key.Source}");
    }

    /// <summary>Each token whole and each of its parts; each key whole, in base64, and every 12-character piece of it.</summary>
    private static IEnumerable<string> SecretsIn(IEnumerable<string> tokens, IEnumerable<string> keys)
    {
        foreach (var token in tokens)
        {
            yield return token;
            foreach (var part in token.Split('.').Where(p => p.Length >= 16))
                yield return part;
        }
        foreach (var key in keys)
        {
            yield return key;
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            yield return Convert.ToHexString(Encoding.UTF8.GetBytes(key));
            for (var i = 0; i + 12 <= key.Length; i++)
                yield return key.Substring(i, 12);
        }
    }

    private static async Task WaitForRequestCompletions(CapturedLogs logs, int count)
    {
        // The completion event is written after the response is handed over; give it a moment.
        for (var i = 0; i < 50 && logs.RequestCompletions.Count < count; i++)
            await Task.Delay(100);
    }

    private static void AssertEveryRequestIsAttributable(CapturedLogs logs, IReadOnlyList<(Reply Reply, string User)> replies)
    {
        var completions = logs.RequestCompletions;
        Assert.True(completions.Count >= replies.Count,
            $"{replies.Count} requests, {completions.Count} request-completion events captured:\n" + string.Join('\n', completions.Select(CapturedLogs.Describe)));

        foreach (var e in completions)
        {
            var what = CapturedLogs.Describe(e);
            Assert.False(string.IsNullOrWhiteSpace(CapturedLogs.Scalar(e, "CorrelationId")), "no CorrelationId: " + what);
            Assert.False(string.IsNullOrWhiteSpace(CapturedLogs.Scalar(e, "UserId")), "no UserId: " + what);
            var route = CapturedLogs.Scalar(e, "Route");
            Assert.False(string.IsNullOrWhiteSpace(route), "no Route: " + what);
            // the route is the template, not the path: ids stay out of it
            Assert.DoesNotMatch("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-", route!);

            var status = int.Parse(CapturedLogs.Scalar(e, "StatusCode")!, System.Globalization.CultureInfo.InvariantCulture);
            if (status >= 400)
                Assert.True(e.Level <= LogEventLevel.Warning, $"a {status} is logged at {e.Level}: {what}");
        }

        foreach (var (reply, user) in replies)
        {
            Assert.True(reply.Headers.TryGetValues("X-Correlation-ID", out var echoed), $"the response carries no X-Correlation-ID: {reply}");
            var correlationId = echoed!.Single();
            var e = Assert.Single(completions, c => CapturedLogs.Scalar(c, "CorrelationId") == correlationId);
            Assert.Equal(((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture), CapturedLogs.Scalar(e, "StatusCode"));
            Assert.Equal(user, CapturedLogs.Scalar(e, "UserId"));
        }
    }

    private static void AssertNoSecret(CapturedLogs logs, IReadOnlyList<string> secrets)
    {
        Assert.NotEmpty(logs.Events);
        var leaks = (from e in logs.Events
                     from text in CapturedLogs.Texts(e)
                     from secret in secrets
                     where text.Contains(secret, StringComparison.OrdinalIgnoreCase)
                     select $"'{secret}' in {CapturedLogs.Describe(e)}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "secrets in the logs:\n" + string.Join('\n', leaks));
    }

    private static void AssertNothingAtError(CapturedLogs logs)
    {
        var errors = logs.Events.Where(e => e.Level >= LogEventLevel.Error).Select(CapturedLogs.Describe).ToList();
        Assert.True(errors.Count == 0, "events at Error or above:\n" + string.Join('\n', errors));
    }
}
