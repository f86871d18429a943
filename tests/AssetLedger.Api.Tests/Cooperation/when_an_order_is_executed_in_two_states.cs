using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Testing;
using static AssetLedger.Api.Tests.Cooperation.TwoLedgers;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>NL's ledger with two executing States' ledgers, DE and FR: three services, three databases, one machine.</summary>
public sealed class ThreeLedgers : IAsyncLifetime
{
    public Ledger NL { get; private set; } = null!;
    public Ledger DE { get; private set; } = null!;
    public Ledger FR { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (nl, de, fr) = (Ledger.FreePort(), Ledger.FreePort(), Ledger.FreePort());
        var logs = new Logging.CapturedLogs();
        NL = await Ledger.CreateAsync("NL", nl, [("DE", de), ("FR", fr)], new FakeClock(TwoLedgers.Start), logs);
        DE = await Ledger.CreateAsync("DE", de, [("NL", nl)], new FakeClock(TwoLedgers.Start), logs);
        FR = await Ledger.CreateAsync("FR", fr, [("NL", nl)], new FakeClock(TwoLedgers.Start), logs);
    }

    public async Task DisposeAsync()
    {
        await NL.DisposeAsync();
        await DE.DisposeAsync();
        await FR.DisposeAsync();
    }
}

/// <summary>Run on their own, like the two-ledger tests (the ledgers' logs go through Serilog's static logger).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreeLedgersCollection : ICollectionFixture<ThreeLedgers>
{
    public const string Name = "three-ledgers";
}

/// <summary>
/// Arts 15, 16(2)-(3), 18(4): NL's confiscation order of EUR 15,000.00 is executed in Germany and in
/// France, EUR 10,000.00 asked of each. DE executes first; NL's ledger tells FR's what remains, and
/// FR cannot recover more: the sum never exceeds the order's amount.
/// </summary>
[Collection(ThreeLedgersCollection.Name)]
public sealed class when_an_order_is_executed_in_two_states(ThreeLedgers three)
{
    private async Task<Guid> IssuedAndReceivedAsync(Ledger executing, string reference, string other)
    {
        var id = Guid.NewGuid();
        var prosecutor = three.NL.Token("prosecutor");
        var issued = await three.NL.Client.Post("/api/certificates",
            Certificate(id, amount: "10000.00", total: "15000.00", reference: reference, executingState: executing.State, otherExecutingStates: [other]), prosecutor);
        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());
        await three.NL.Client.Post($"/api/certificates/{id}/transmit", new { commandId = Guid.NewGuid() }, prosecutor).Ok();
        await Until(executing, id, r => r.Status == HttpStatusCode.OK && r.Str("status") == "received");
        await Command(executing, id, "recognition").Ok();
        return id;
    }

    [Fact]
    public async Task what_one_state_recovers_is_told_to_the_other_and_the_sum_stays_within_the_order()
    {
        var reference = "RTM-2STATES-" + Guid.NewGuid().ToString("N")[..6];
        var inGermany = await IssuedAndReceivedAsync(three.DE, reference, "FR");
        var inFrance = await IssuedAndReceivedAsync(three.FR, reference, "DE");

        await Command(three.DE, inGermany, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("10000.00") }).Ok();

        var fr = await Until(three.FR, inFrance, r => r["remainingNotified"].ValueKind == JsonValueKind.Object);
        Assert.Equal("5000.00", fr["executionCap"].GetProperty("amount").GetString());
        var tooMuch = await Command(three.FR, inFrance, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("5000.01") });
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.Status);
        await Command(three.FR, inFrance, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("5000.00") }).Ok();

        var nlGermany = await Until(three.NL, inGermany, r => r.Str("status") == "executed");
        var nlFrance = await Until(three.NL, inFrance, r => r.Str("status") == "executed");
        var recovered = decimal.Parse(nlGermany["executedValue"].GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                        + decimal.Parse(nlFrance["executedValue"].GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(15_000.00m, recovered);
        // The notice is a fact on the issuing side too; DE, which executed first, had nothing to be told.
        Assert.Contains("remaining_amount_notified", await HistoryTypes(three.NL, inFrance));
        Assert.DoesNotContain("remaining_amount_notified", await HistoryTypes(three.NL, inGermany));
    }

    [Fact]
    public async Task a_peer_cannot_report_on_a_certificate_exchanged_with_another_state()
    {
        var reference = "RTM-SPOOF-" + Guid.NewGuid().ToString("N")[..6];
        var inGermany = await IssuedAndReceivedAsync(three.DE, reference, "FR");
        // Germany's own report of its recognition reaches NL asynchronously (its outbox): counted
        // before the spoof, not mistaken for what the spoof changed.
        await Until(three.NL, inGermany, r => r.Str("status") == "recognised");
        var before = await three.NL.EventCountAsync(inGermany);

        // France's ledger, properly signed, claims that the certificate sent to Germany was executed.
        var executed = new AssetLedger.Certificates.CertificateExecuted(new AssetLedger.Core.Money.Money(10_000m, "EUR"), null, TwoLedgers.Start);
        var report = new AssetLedger.Api.Cooperation.ReportPayload(3, nameof(AssetLedger.Certificates.CertificateExecuted), AssetLedger.Api.Cooperation.PeerMessageTypes.Payload(executed));
        var message = new AssetLedger.Api.Cooperation.PeerMessage(Guid.NewGuid(), AssetLedger.Api.Cooperation.PeerMessageTypes.Report, "FR", "NL", inGermany,
            TwoLedgers.Start, AssetLedger.Api.Cooperation.PeerMessageTypes.Payload(report));
        var body = AssetLedger.Api.Cooperation.PeerMessageTypes.Serialize(message);
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var signature = AssetLedger.Api.Cooperation.PeerDirectory.Sign(System.Text.Encoding.UTF8.GetBytes(Ledger.PeerKey), System.Text.Encoding.UTF8.GetBytes(body));
        var reply = await three.NL.Client.Send(HttpMethod.Post, "/peer/messages", null, content,
            headers: [(AssetLedger.Api.Cooperation.PeerDelivery.PeerHeader, "FR"), (AssetLedger.Api.Cooperation.PeerDelivery.SignatureHeader, signature)]);

        Assert.True(Security.Problem.Check(reply, HttpStatusCode.NotFound) is null, reply.ToString());
        Assert.Equal(before, await three.NL.EventCountAsync(inGermany));
        Assert.Contains(three.NL.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning && e.RenderMessage().Contains("is not one exchanged with it"));
    }
}
