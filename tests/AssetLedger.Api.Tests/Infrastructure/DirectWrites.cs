using Marten;
using NodaTime;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>What a test needs to append an asset event through the store itself, past the executor.</summary>
public static class DirectWrites
{
    public static readonly Instant At = Instant.FromUtc(2026, 3, 2, 10, 0);

    /// <summary>The headers the inline asset projection reads (recording time, chain hash), with a placeholder hash.</summary>
    public static void Envelope(IDocumentSession session)
    {
        session.SetHeader(global::AssetLedger.Api.Infrastructure.Envelope.RecordedAtHeader, global::AssetLedger.Api.Infrastructure.Envelope.Format(At));
        session.SetHeader(global::AssetLedger.Api.Audit.AuditChain.HashHeader, new string('0', 64));
    }

    public static AssetLedger.Assets.CustodyTransferred Transfer(string to) => new(to, "Depot 1", At, null);
}
