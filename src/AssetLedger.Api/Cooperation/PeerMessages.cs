using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AssetLedger.Certificates;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Cooperation;

/// <summary>
/// A message between two ledgers. <see cref="MessageId"/> is deterministic (certificate, type, report
/// number), so the same fact never becomes two messages, and it is the receiving side's command id:
/// a repeated message is answered from its record and appends nothing.
/// </summary>
public sealed record PeerMessage(Guid MessageId, string Type, string From, string To, Guid CertificateId, Instant SentAt, JsonElement Payload);

public sealed record CertificatePayload(CertificateKind Kind, CertificateDetails Details);
public sealed record ReportPayload(int Sequence, string EventType, JsonElement Event);
public sealed record WithdrawalPayload(string Reason);
public sealed record RemainingPayload(Money Remaining);
public sealed record CostDecisionPayload(Guid ProposalId, CostDecision Outcome, Money? AgreedShare, string Reason, Instant DecidedAt);

public static class PeerMessageTypes
{
    public const string Certificate = "certificate", Report = "report", Withdrawal = "withdrawal", Remaining = "remaining", CostDecision = "cost-decision";

    public static Guid IdOf(Guid certificateId, string type, int sequence = 0) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{certificateId:N}:{type}:{sequence}")).AsSpan(0, 16));

    private static readonly Dictionary<string, Type> ReportTypes = typeof(ICertificateEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICertificateEvent).IsAssignableFrom(t))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The certificate event a report carries, or null for a type that is not one.</summary>
    public static ICertificateEvent? ReadEvent(ReportPayload report) =>
        ReportTypes.TryGetValue(report.EventType, out var type)
            ? (ICertificateEvent?)report.Event.Deserialize(type, ApiJson.Options)
            : null;

    public static JsonElement Payload(object payload) => JsonSerializer.SerializeToElement(payload, payload.GetType(), ApiJson.Options);

    public static string Serialize(PeerMessage message) => JsonSerializer.Serialize(message, ApiJson.Options);
}
