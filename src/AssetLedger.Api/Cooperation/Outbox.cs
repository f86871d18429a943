using System.Net.Http.Headers;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Api.Cooperation;

/// <summary>
/// A message owed to another State's ledger, written in the same transaction as the events it
/// reports (so a committed fact is never without its message, and a message never without its fact),
/// and delivered by <see cref="PeerDelivery"/> until the peer accepts it. <see cref="Body"/> is the
/// exact JSON that is signed and sent, every time.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Type { get; set; } = "";
    public Guid CertificateId { get; set; }
    /// <summary>Report number for reports (1 = receipt), 0 for the other messages.</summary>
    public int Sequence { get; set; }
    public string Body { get; set; } = "";
    public Instant CreatedAt { get; set; }
    /// <summary><see cref="CreatedAt"/> as a number, for the queue's order in the database.</summary>
    public long CreatedAtUnixMs => CreatedAt.ToUnixTimeMilliseconds();
    public int Attempts { get; set; }
    /// <summary>When to try again, in the machine's time (not the domain clock: back-off is about the network, not the law).</summary>
    public long NextAttemptUnixMs { get; set; }
    public bool Delivered { get; set; }
    public Instant? DeliveredAt { get; set; }
    public string? LastResult { get; set; }
}

/// <summary>
/// Wakes the delivery loop when a transaction that wrote outbox messages has committed: a signal
/// before the commit would find nothing to send and leave the message for the next poll.
/// </summary>
public sealed class OutboxCommitListener : Marten.DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, Marten.Services.IChangeSet commit, CancellationToken token)
    {
        if (commit.Inserted.OfType<OutboxMessage>().Any() || commit.Updated.OfType<OutboxMessage>().Any(m => !m.Delivered)) Outbox.Signal();
        return Task.CompletedTask;
    }
}

public static class Outbox
{
    private static readonly SemaphoreSlim signal = new(0, int.MaxValue);

    /// <summary>Wakes the delivery loop (after a commit that wrote messages: <see cref="OutboxCommitListener"/>; it also polls).</summary>
    public static void Signal()
    {
        if (signal.CurrentCount == 0) signal.Release();
    }

    internal static Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    /// <summary>
    /// The message that the event <paramref name="e"/> (just folded into <paramref name="next"/>)
    /// owes the other ledger: the certificate when transmitted, the withdrawal, and every report of
    /// the executing side (numbered as the stream counts them). Null when it owes none.
    /// </summary>
    public static OutboxMessage? MessageFor(Certificate next, ICertificateEvent e, Instant now)
    {
        var d = next.Details;
        (string Type, int Sequence, object Payload)? what = (next.Role, e) switch
        {
            (CertificateRole.Issuing, CertificateTransmitted) => (PeerMessageTypes.Certificate, 0, new CertificatePayload(next.Kind, d)),
            (CertificateRole.Issuing, CertificateWithdrawn w) => (PeerMessageTypes.Withdrawal, 0, new WithdrawalPayload(w.Reason)),
            // Each notice is its own message (numbered by the stream's version): a later one lowers the cap further.
            (CertificateRole.Issuing, RemainingAmountNotified r) => (PeerMessageTypes.Remaining, (int)next.Version, new RemainingPayload(r.Remaining)),
            (CertificateRole.Issuing, CostSharingDecided cd) => (PeerMessageTypes.CostDecision, (int)next.Version,
                new CostDecisionPayload(cd.ProposalId, cd.Outcome, cd.AgreedShare, cd.Reason, cd.DecidedAt)),
            (CertificateRole.Executing, _) when CertificateReports.IsReported(e) =>
                (PeerMessageTypes.Report, next.Reports, new ReportPayload(next.Reports, e.GetType().Name, PeerMessageTypes.Payload(e))),
            _ => null,
        };
        if (what is not { } w2) return null;
        var (from, to) = next.Role == CertificateRole.Issuing ? (d.IssuingState, d.ExecutingState) : (d.ExecutingState, d.IssuingState);
        var id = PeerMessageTypes.IdOf(next.Id, w2.Type, w2.Sequence);
        var message = new PeerMessage(id, w2.Type, from, to, next.Id, now, PeerMessageTypes.Payload(w2.Payload));
        return new OutboxMessage
        {
            Id = id, From = from, To = to, Type = w2.Type, CertificateId = next.Id, Sequence = w2.Sequence,
            Body = PeerMessageTypes.Serialize(message), CreatedAt = now,
            NextAttemptUnixMs = 0, // due at once; retries are scheduled on the machine's time (PeerDelivery)
        };
    }
}

/// <summary>
/// Delivers the outbox: oldest first per peer, one at a time, signed; a message the peer does not
/// accept (down, early, refused) is retried with exponential back-off (0.5 s doubling up to
/// <c>Cooperation:MaxRetrySeconds</c>, default 60), and the peer's later messages wait behind it so
/// that they arrive in order. Nothing is dropped: a message leaves the outbox only when the peer
/// answered 2xx. Several instances on one database may deliver the same message; the receiving
/// side's command record makes the second delivery a no-op.
/// </summary>
public sealed class PeerDelivery(IDocumentStore store, PeerDirectory peers, IClock clock, IConfiguration configuration, ILogger<PeerDelivery> log)
    : BackgroundService
{
    private readonly TimeProvider machine = TimeProvider.System;
    public const string SignatureHeader = "X-AssetLedger-Signature", PeerHeader = "X-AssetLedger-Peer";

    private readonly HttpClient http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TimeSpan poll = TimeSpan.FromMilliseconds(configuration.GetValue("Cooperation:PollMilliseconds", 1000));
    private readonly double maxRetrySeconds = configuration.GetValue("Cooperation:MaxRetrySeconds", 60.0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (peers.State is null || peers.All.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Outbox.WaitAsync(poll, stoppingToken);
                await DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
            {
                log.LogWarning("Outbox: database unavailable ({Reason}); retrying", ex.GetBaseException().Message);
                await Task.Delay(poll, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A bug to see, not a reason to stop the host (a background service's exception stops it by default).
                log.LogError(ex, "Outbox delivery failed; retrying");
                await Task.Delay(poll, stoppingToken);
            }
        }
    }

    /// <summary>One round: every due message, oldest first per peer, stopping at a peer's first failure.</summary>
    public async Task DeliverDueAsync(CancellationToken ct)
    {
        var now = machine.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<OutboxMessage> due;
        await using (var query = store.QuerySession())
            due = await query.Query<OutboxMessage>().Where(m => m.AnyTenant() && !m.Delivered)
                .OrderBy(m => m.CreatedAtUnixMs).ThenBy(m => m.Sequence).Take(200).ToListAsync(ct);
        foreach (var perPeer in due.GroupBy(m => (m.From, m.To)))
            foreach (var message in perPeer)
            {
                if (message.NextAttemptUnixMs > now) break; // a message waiting for its retry holds back the later ones
                if (!await SendAsync(message, ct)) break;
            }
    }

    private async Task<bool> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        string result;
        var delivered = false;
        if (peers.Find(message.To) is not { } peer)
            result = $"no peer {message.To} is configured";
        else
        {
            var body = System.Text.Encoding.UTF8.GetBytes(message.Body);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(peer.BaseUrl, "peer/messages")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(PeerHeader, message.From);
            request.Headers.Add(SignatureHeader, PeerDirectory.Sign(peer.Key, body));
            try
            {
                using var response = await http.SendAsync(request, ct);
                delivered = response.IsSuccessStatusCode;
                var text = await response.Content.ReadAsStringAsync(ct);
                result = $"{(int)response.StatusCode} {(text.Length > 300 ? text[..300] : text)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                result = $"unreachable: {ex.GetBaseException().Message}";
            }
        }

        var now = clock.GetCurrentInstant();
        await using var session = store.LightweightSession(message.From);
        message.Attempts++;
        message.LastResult = result;
        if (delivered)
        {
            message.Delivered = true;
            message.DeliveredAt = now;
        }
        else
        {
            var backoff = Math.Min(maxRetrySeconds, 0.5 * Math.Pow(2, Math.Min(message.Attempts - 1, 20)));
            message.NextAttemptUnixMs = machine.GetUtcNow().ToUnixTimeMilliseconds() + (long)(backoff * 1000 * (0.8 + 0.4 * Random.Shared.NextDouble()));
            log.LogWarning("Outbox: {Type} {MessageId} to {Peer} not accepted (attempt {Attempts}): {Result}; next try in {Seconds:F1} s",
                message.Type, message.Id, message.To, message.Attempts, result, backoff);
        }
        session.Store(message);
        await session.SaveChangesAsync(ct);
        return delivered;
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
