using System.Net;
using System.Net.Sockets;
using AssetLedger.Api.Cooperation;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// One State's ledger: the real service on Kestrel on a loopback port, its own database of the test
/// PostgreSQL server, its own fake clock, and the other State configured as its peer. Two of these
/// talk over HTTP exactly as deployed ledgers do; nothing of the other side is mocked.
/// </summary>
public sealed class Ledger : IAsyncDisposable
{
    public const string PeerKey = "shared-secret-of-the-NL-DE-pair-0123456789";

    public string State { get; }
    public int Port { get; }
    public string ConnectionString { get; }
    public FakeClock Clock { get; }
    /// <summary>
    /// The log events of both ledgers (all their runs): Serilog writes through the process's static
    /// logger, which the last host started owns, so the two ledgers of one test process share one sink.
    /// </summary>
    public Logging.CapturedLogs Logs { get; init; } = new();
    private readonly IReadOnlyList<(string State, int Port)> peers;
    /// <summary>Further settings for the next <see cref="Start"/> (e.g. a faster deadline sweep).</summary>
    public Dictionary<string, string> Settings { get; } = new() { ["Cooperation:DeadlineSweepSeconds"] = "3600" };
    private Microsoft.AspNetCore.Builder.WebApplication? app;
    public Infrastructure.Api Client { get; private set; } = null!;

    private Ledger(string state, int port, string connectionString, FakeClock clock, IReadOnlyList<(string, int)> peers)
    {
        (State, Port, ConnectionString, Clock, this.peers) = (state, port, connectionString, clock, peers);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<Ledger> CreateAsync(string state, int port, IReadOnlyList<(string State, int Port)> peers, FakeClock clock, Logging.CapturedLogs logs)
    {
        var server = await TestDatabase.Shared;
        var db = await server.CreateDatabaseAsync($"ledger_{state.ToLowerInvariant()}_{Guid.NewGuid().ToString("N")[..8]}");
        var ledger = new Ledger(state, port, db, clock, peers) { Logs = logs };
        ledger.Start();
        return ledger;
    }

    public bool Running => app is not null;


    /// <summary>(Re)starts the service on its port and database (after <see cref="StopAsync"/>: a peer coming back).</summary>
    public void Start()
    {
        if (app is not null) throw new InvalidOperationException($"{State} is running.");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:AssetLedger"] = ConnectionString,
            ["Auth:SigningKey"] = ApiFixture.SigningKey,
            ["Database:AutoCreate"] = "true",
            ["Cooperation:State"] = State,
            ["Cooperation:PollMilliseconds"] = "100",
            ["Cooperation:MaxRetrySeconds"] = "1",
            ["Auth:DemoSignIn"] = "true",
        };
        foreach (var (state, port) in peers)
        {
            settings[$"Cooperation:Peers:{state}:BaseUrl"] = $"http://127.0.0.1:{port}";
            settings[$"Cooperation:Peers:{state}:Key"] = PeerKey;
        }
        foreach (var (key, value) in Settings) settings[key] = value;
        var built = LedgerApp.Build(["--urls", $"http://127.0.0.1:{Port}", "--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddSingleton<IClock>(Clock);
            b.Services.AddSingleton<Serilog.Core.ILogEventSink>(Logs);
        });
        built.StartAsync().GetAwaiter().GetResult();
        app = built;
        Client = new Infrastructure.Api(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") });
    }

    public async Task StopAsync()
    {
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException($"{State} is stopped.");

    public string Token(string role) => Tokens.For(role, State, agency: State + "-OM", sub: $"{role}-{State}");

    /// <summary>The messages this ledger owes (or owed) its peer, oldest first.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> OutboxAsync(Guid certificateId)
    {
        await using var session = Services.GetRequiredService<Marten.IDocumentStore>().QuerySession(State);
        var list = await Marten.QueryableExtensions.ToListAsync(session.Query<OutboxMessage>().Where(m => m.CertificateId == certificateId), default);
        return list.OrderBy(m => m.CreatedAtUnixMs).ThenBy(m => m.Sequence).ToList();
    }

    public async Task<long> EventCountAsync(Guid? streamId = null)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select count(*) from assetledger.mt_events where type <> 'tombstone'" + (streamId is null ? "" : " and stream_id = @s"), conn);
        if (streamId is { } s) cmd.Parameters.AddWithValue("s", s);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>NL issues, DE executes: two ledgers that know each other, on fresh databases.</summary>
public sealed class TwoLedgers : IAsyncLifetime
{
    public static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 9, 0);

    public Ledger NL { get; private set; } = null!;
    public Ledger DE { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (nlPort, dePort) = (Ledger.FreePort(), Ledger.FreePort());
        var logs = new Logging.CapturedLogs();
        NL = await Ledger.CreateAsync("NL", nlPort, [("DE", dePort)], new FakeClock(Start), logs);
        DE = await Ledger.CreateAsync("DE", dePort, [("NL", nlPort)], new FakeClock(Start), logs);
    }

    /// <summary>Both clocks back at the start, both ledgers running (each test uses fresh certificate ids).</summary>
    public void Reset()
    {
        NL.Clock.Reset(Start);
        DE.Clock.Reset(Start);
        if (!NL.Running) NL.Start();
        if (!DE.Running) DE.Start();
    }

    public async Task DisposeAsync()
    {
        await NL.DisposeAsync();
        await DE.DisposeAsync();
    }

    /// <summary>Issues (as NL's prosecutor) and transmits a certificate, and waits until both sides show the receipt.</summary>
    public async Task<Guid> IssuedAndReceivedAsync(string kind = "confiscation", string amount = "10000.01", bool urgent = false, string? total = null, string? reference = null)
    {
        var id = Guid.NewGuid();
        var issued = await NL.Client.Post("/api/certificates", Certificate(id, kind, amount, total, urgent, reference), NL.Token("prosecutor"));
        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());
        await NL.Client.Post($"/api/certificates/{id}/transmit", new { commandId = Guid.NewGuid() }, NL.Token("prosecutor")).Ok();
        await Until(DE, id, r => r.Status == HttpStatusCode.OK && r.Str("status") == "received");
        await Until(NL, id, r => r.Str("status") == "received");
        return id;
    }

    public static Task<Reply> Command(Ledger ledger, Guid id, string name, object? body = null, string role = "prosecutor") =>
        ledger.Client.Post($"/api/certificates/{id}/{name}", body ?? new { commandId = Guid.NewGuid() }, ledger.Token(role));

    public static async Task<IReadOnlyList<string>> HistoryTypes(Ledger ledger, Guid id)
    {
        var history = await ledger.Client.Get($"/api/certificates/{id}/history", ledger.Token("auditor")).Ok();
        return history.Json.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToList();
    }

    public static object Certificate(Guid id, string kind = "confiscation", string amount = "10000.01", string? total = null, bool urgent = false, string? reference = null,
        string executingState = "DE", string[]? otherExecutingStates = null) => new
    {
        certificateId = id, kind, executingState, otherExecutingStates = otherExecutingStates ?? [], issuingAuthority = "Openbaar Ministerie Rotterdam",
        orderReference = reference ?? "RTM-" + id.ToString("N")[..8], issuedOn = "2026-02-01", finalOn = kind == "confiscation" ? "2026-02-20" : null,
        amountForExecutingState = Scenarios.Money(amount), orderTotal = total is null ? null : Scenarios.Money(total),
        items = new[] { new { description = "Account at Deutsche Bank", identifiers = new { iban = "DE89370400440532013000" }, location = "Frankfurt am Main" } },
        urgent, victimRestitution = false, offence = "trafficking_in_human_beings",
        issuerBank = kind == "confiscation" ? new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" } : null,
    };

    /// <summary>Polls until the ledger's read of the certificate satisfies <paramref name="done"/> (the outbox delivers in the background).</summary>
    public static async Task<Reply> Until(Ledger ledger, Guid id, Func<Reply, bool> done, int timeoutMs = 15_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Reply last;
        do
        {
            last = await ledger.Client.Get($"/api/certificates/{id}", ledger.Token("auditor"));
            if (done(last)) return last;
            await Task.Delay(50);
        } while (clock.ElapsedMilliseconds < timeoutMs);
        var warnings = string.Join("\n", ledger.Logs.Events.Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning).TakeLast(8).Select(e => e.RenderMessage()));
        Assert.Fail($"{ledger.State} did not reach the expected state of certificate {id} in {timeoutMs} ms; last reply {(int)last.Status}: {last.Raw}\nlast warnings:\n{warnings}");
        return last;
    }
}

/// <summary>Base of the two-ledger tests: both ledgers running and both clocks at the start before each test.</summary>
[Collection(TwoLedgersCollection.Name)]
public abstract class TwoLedgersTest(TwoLedgers two) : IAsyncLifetime
{
    protected TwoLedgers Two { get; } = two;

    public virtual Task InitializeAsync()
    {
        Two.Reset();
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
