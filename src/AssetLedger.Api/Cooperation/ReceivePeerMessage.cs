using System.Security.Cryptography;
using System.Text.Json;
using AssetLedger.Api.Certificates;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Api.Cooperation;

/// <summary>
/// <c>POST /peer/messages</c>: a message from another State's ledger. Outside <c>/api</c> (no user
/// token): it is authenticated by the peer's HMAC signature over the exact body bytes. An unknown
/// peer or a signature that does not match (one changed byte) is a 401 problem detail, logged at
/// Warning, and changes nothing. The message id is the command id: a repeat is answered from its
/// record and appends nothing.
/// </summary>
public static class ReceivePeerMessage
{
    public const int MaxBodyBytes = 1 << 20;

    public static void MapPeerEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/peer/messages", ReceiveAsync).AllowAnonymous().WithTags("Cooperation").WithName("PeerMessage");

    private static async Task<IResult> ReceiveAsync(HttpContext http, PeerDirectory peers, CommandExecutor executor, IClock clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(ReceivePeerMessage));
        if (peers.State is not { } us) return Problems.NotFound("This ledger does not take part in cooperation (Cooperation:State is not set).");
        var from = http.Request.Headers[PeerDelivery.PeerHeader].ToString();
        if (http.Request.ContentLength > MaxBodyBytes) return Problems.TooLarge($"A peer message has at most {MaxBodyBytes} bytes.");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes) return Problems.TooLarge($"A peer message has at most {MaxBodyBytes} bytes.");
        var body = buffer.ToArray();

        if (peers.Find(from) is not { } peer)
        {
            log.LogWarning("Peer message refused: unknown peer {Peer}", from.Length > 8 ? from[..8] : from);
            return Problems.Unauthorized("Unknown peer.");
        }
        if (!PeerDirectory.Verify(peer.Key, body, http.Request.Headers[PeerDelivery.SignatureHeader].ToString()))
        {
            log.LogWarning("Peer message from {Peer} refused: the signature does not match the body", peer.State);
            return Problems.Unauthorized("The signature does not match the message.");
        }

        PeerMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<PeerMessage>(body, ApiJson.Options);
        }
        catch (JsonException ex)
        {
            return Problems.Validation(new Dictionary<string, string[]> { [""] = [$"Not a peer message: {ex.Message}"] });
        }
        if (message is null || message.From != peer.State || message.To != us)
            return Problems.Validation(new Dictionary<string, string[]> { ["to"] = [$"A message from {peer.State} to {us} was expected."] });

        if (Command(message, us) is not { } command)
            return Problems.Validation(new Dictionary<string, string[]> { ["type"] = [$"'{message.Type}' is not a message this ledger takes, or its payload is invalid."] });

        var caller = new Caller($"peer:{peer.State}", $"Ledger of {peer.State}", ["peer"], us, peer.State);
        var context = new CommandContext(caller, "peer", message.MessageId, Convert.ToHexString(SHA256.HashData(body)), RequestPipeline.CorrelationId(http), null);
        var route = $"POST /peer/messages {message.Type}";
        var outcome = await CertificateCommandSlices.RunAsync(executor, clock, context, route, message.CertificateId, command,
            mustExist: message.Type != PeerMessageTypes.Certificate, ct, peer: peer.State);
        // A peer speaks only for the certificates exchanged with it (the decision refuses any other).
        if (outcome is Outcome.NotFound)
            log.LogWarning("Peer message from {Peer} refused: certificate {CertificateId} is not one exchanged with it", peer.State, message.CertificateId);
        // A withdrawal that arrives after the confiscation was executed is answered (the issuing
        // ledger stops sending it) but changes nothing: the decider refuses it, and says why.
        if (message.Type == PeerMessageTypes.Withdrawal && outcome is Outcome.Conflict refused)
            return Results.Json(new { applied = false, reason = refused.Detail }, ApiJson.Options);
        return outcome.ToResult(http);
    }

    private static CertificateCommand? Command(PeerMessage m, string us)
    {
        try
        {
            return m.Type switch
            {
                PeerMessageTypes.Certificate when m.Payload.Deserialize<CertificatePayload>(ApiJson.Options) is { } c && c.Details.ExecutingState == us && c.Details.IssuingState == m.From =>
                    new ReceiveCertificate(m.CertificateId, c.Kind, c.Details),
                PeerMessageTypes.Report when m.Payload.Deserialize<ReportPayload>(ApiJson.Options) is { Sequence: > 0 } r && PeerMessageTypes.ReadEvent(r) is { } e =>
                    new ApplyReport(r.Sequence, e),
                PeerMessageTypes.Withdrawal when m.Payload.Deserialize<WithdrawalPayload>(ApiJson.Options) is { Reason: { Length: > 0 } reason } =>
                    new ReceiveWithdrawal(reason),
                PeerMessageTypes.Remaining when m.Payload.Deserialize<RemainingPayload>(ApiJson.Options) is { } r =>
                    new NotifyRemainingAmount(r.Remaining),
                PeerMessageTypes.CostDecision when m.Payload.Deserialize<CostDecisionPayload>(ApiJson.Options) is { Reason: not null } d =>
                    new ReceiveCostDecision(d.ProposalId, d.Outcome, d.AgreedShare, d.Reason, d.DecidedAt),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
