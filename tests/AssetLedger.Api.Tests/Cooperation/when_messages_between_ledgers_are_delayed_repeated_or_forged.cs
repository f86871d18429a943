using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AssetLedger.Api.Cooperation;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;
using Serilog.Events;
using static AssetLedger.Api.Tests.Cooperation.TwoLedgers;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// The transport between two ledgers: a peer that is down gets the message once it is back (the
/// outbox), a repeated message appends nothing, and a message that is not exactly what the peer
/// signed, or that comes from a ledger nobody configured, is refused, logged, and changes nothing.
/// </summary>
public sealed class when_messages_between_ledgers_are_delayed_repeated_or_forged(TwoLedgers two) : TwoLedgersTest(two)
{
    private static async Task<Reply> Deliver(Ledger to, string from, string body, string? signature)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var headers = new List<(string, string)> { (PeerDelivery.PeerHeader, from) };
        if (signature is not null) headers.Add((PeerDelivery.SignatureHeader, signature));
        return await to.Client.Send(HttpMethod.Post, "/peer/messages", null, content, headers: headers);
    }

    private static string Sign(string body) => PeerDirectory.Sign(Encoding.UTF8.GetBytes(Ledger.PeerKey), Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task a_peer_that_is_down_gets_the_certificate_once_when_it_is_back()
    {
        await Two.DE.StopAsync();
        var id = Guid.NewGuid();
        await Two.NL.Client.Post("/api/certificates", Certificate(id), Two.NL.Token("prosecutor"));
        await Command(Two.NL, id, "transmit").Ok();

        // The message waits: at least two refused attempts, each logged at Warning, nothing lost.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await Two.NL.OutboxAsync(id)).Single().Attempts < 2 && waited.ElapsedMilliseconds < 15_000) await Task.Delay(100);
        var waiting = Assert.Single(await Two.NL.OutboxAsync(id));
        Assert.False(waiting.Delivered);
        Assert.True(waiting.Attempts >= 2, $"only {waiting.Attempts} attempt(s) while the peer was down");
        Assert.StartsWith("unreachable", waiting.LastResult);
        // The operator sees it without the database: the pending message, its attempts and why.
        var outbox = await Two.NL.Client.Get("/api/cooperation/outbox?pending=true", Two.NL.Token("admin")).Ok();
        var entry = Assert.Single(outbox.Json.EnumerateArray(), e => e.GetProperty("certificateId").GetGuid() == id);
        Assert.Equal("DE", entry.GetProperty("to").GetString());
        Assert.True(entry.GetProperty("attempts").GetInt32() >= 2);
        Assert.StartsWith("unreachable", entry.GetProperty("lastResult").GetString());
        Assert.Contains(Two.DE.Logs.Events, e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.StartsWith("Outbox:") && e.RenderMessage().Contains(waiting.Id.ToString()));

        Two.DE.Start();
        await Until(Two.DE, id, r => r.Status == HttpStatusCode.OK && r.Str("status") == "received");
        await Until(Two.NL, id, r => r.Str("status") == "received");

        Assert.Equal(1, await Two.DE.EventCountAsync(id));
        var sent = (await Two.NL.OutboxAsync(id)).Single();
        Assert.True(sent.Delivered);
        Assert.StartsWith("20", sent.LastResult);
        Assert.Equal(3, await Two.NL.EventCountAsync(id)); // issued, transmitted, receipt confirmed: once
        var after = await Two.NL.Client.Get("/api/cooperation/outbox?pending=true", Two.NL.Token("auditor")).Ok();
        Assert.DoesNotContain(after.Json.EnumerateArray(), e => e.GetProperty("certificateId").GetGuid() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await Two.NL.Client.Get("/api/cooperation/outbox", Two.NL.Token("prosecutor"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Two.NL.Client.Get("/api/cooperation/outbox?pending=maybe", Two.NL.Token("admin"))).Status);
    }

    [Fact]
    public async Task a_replayed_message_is_answered_from_its_record_and_appends_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync();
        var certificate = (await Two.NL.OutboxAsync(id)).Single(m => m.Type == PeerMessageTypes.Certificate);
        var before = await Two.DE.EventCountAsync();

        var replies = new List<Reply>();
        for (var i = 0; i < 3; i++) replies.Add(await Deliver(Two.DE, "NL", certificate.Body, Sign(certificate.Body)));

        Assert.All(replies, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Created, r.ToString()));
        Assert.All(replies, r => Assert.Equal(id.ToString(), r.Str("certificateId")));
        Assert.Equal(before, await Two.DE.EventCountAsync());

        // The receipt report replayed to the issuing side, likewise.
        var receipt = (await Two.DE.OutboxAsync(id)).Single(m => m.Type == PeerMessageTypes.Report);
        var nlBefore = await Two.NL.EventCountAsync();
        var again = await Deliver(Two.NL, "DE", receipt.Body, Sign(receipt.Body));
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal(nlBefore, await Two.NL.EventCountAsync());
    }

    [Fact]
    public async Task a_message_with_one_changed_byte_is_refused_logged_and_changes_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync();
        await Command(Two.NL, id, "withdrawal", new { commandId = Guid.NewGuid(), reason = "Order set aside on appeal" }).Ok();
        await Until(Two.DE, id, r => r.Str("status") == "withdrawn");
        var withdrawal = (await Two.NL.OutboxAsync(id)).Single(m => m.Type == PeerMessageTypes.Withdrawal);
        var signature = Sign(withdrawal.Body);
        var tampered = withdrawal.Body.Replace("appeal", "appeaL");
        Assert.NotEqual(withdrawal.Body, tampered);
        var before = await Two.DE.EventCountAsync();
        var warnings = Two.DE.Logs.Events.Count(e => e.Level == LogEventLevel.Warning);

        var refused = await Deliver(Two.DE, "NL", tampered, signature);
        var unsigned = await Deliver(Two.DE, "NL", withdrawal.Body, null);
        var wrongKey = await Deliver(Two.DE, "NL", withdrawal.Body,
            PeerDirectory.Sign(Encoding.UTF8.GetBytes("another-key-of-at-least-32-characters!!"), Encoding.UTF8.GetBytes(withdrawal.Body)));

        foreach (var reply in new[] { refused, unsigned, wrongKey })
            Assert.True(Problem.Check(reply, HttpStatusCode.Unauthorized) is null, Problem.Check(reply, HttpStatusCode.Unauthorized));
        Assert.Equal(before, await Two.DE.EventCountAsync());
        Assert.True(Two.DE.Logs.Events.Count(e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("signature")) >= 3);
        Assert.True(Two.DE.Logs.Events.Count(e => e.Level == LogEventLevel.Warning) >= warnings + 3);
    }

    [Fact]
    public async Task a_message_from_an_unknown_peer_is_refused_and_changes_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync();
        var certificate = (await Two.NL.OutboxAsync(id)).Single(m => m.Type == PeerMessageTypes.Certificate);
        var before = await Two.DE.EventCountAsync();

        var fromFrance = await Deliver(Two.DE, "FR", certificate.Body.Replace("\"from\":\"NL\"", "\"from\":\"FR\""), Sign(certificate.Body));
        var noPeer = await Deliver(Two.DE, "", certificate.Body, Sign(certificate.Body));
        // Signed with the NL key, but claiming to come from DE itself: the payload's sender must be the signer.
        var spoofed = certificate.Body.Replace("\"from\":\"NL\"", "\"from\":\"DE\"");
        var selfSent = await Deliver(Two.DE, "NL", spoofed, Sign(spoofed));

        Assert.True(Problem.Check(fromFrance, HttpStatusCode.Unauthorized) is null, fromFrance.ToString());
        Assert.True(Problem.Check(noPeer, HttpStatusCode.Unauthorized) is null, noPeer.ToString());
        Assert.True(Problem.Check(selfSent, HttpStatusCode.BadRequest) is null, selfSent.ToString());
        Assert.Equal(before, await Two.DE.EventCountAsync());
        Assert.Contains(Two.DE.Logs.Events, e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("unknown peer"));
    }
}
