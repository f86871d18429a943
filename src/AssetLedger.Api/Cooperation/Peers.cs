using System.Security.Cryptography;
using System.Text;

namespace AssetLedger.Api.Cooperation;

/// <summary>Another State's ledger: where to send, and the key both sides sign with.</summary>
public sealed record Peer(string State, Uri BaseUrl, byte[] Key);

/// <summary>
/// This ledger's State and its peers, from configuration:
/// <c>Cooperation:State</c> (ISO 3166-1 alpha-2; without it the ledger neither sends nor receives),
/// <c>Cooperation:Peers:{State}:BaseUrl</c> and <c>Cooperation:Peers:{State}:Key</c> (a shared secret
/// of at least 32 characters, agreed per pair of States out of band; both ledgers configure the same).
/// </summary>
public sealed class PeerDirectory
{
    public string? State { get; }
    private readonly Dictionary<string, Peer> peers = new(StringComparer.Ordinal);

    public PeerDirectory(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cooperation");
        State = section["State"] is { Length: > 0 } s ? s.ToUpperInvariant() : null;
        foreach (var p in section.GetSection("Peers").GetChildren())
        {
            var state = p.Key.ToUpperInvariant();
            var url = p["BaseUrl"] ?? throw new InvalidOperationException($"Cooperation:Peers:{p.Key}:BaseUrl is not set.");
            var key = p["Key"] ?? throw new InvalidOperationException($"Cooperation:Peers:{p.Key}:Key is not set.");
            if (key.Length < 32) throw new InvalidOperationException($"Cooperation:Peers:{p.Key}:Key must have at least 32 characters.");
            peers[state] = new Peer(state, new Uri(url.TrimEnd('/') + "/"), Encoding.UTF8.GetBytes(key));
        }
    }

    public Peer? Find(string? state) => state is not null && peers.TryGetValue(state, out var p) ? p : null;

    public IReadOnlyCollection<Peer> All => peers.Values;

    /// <summary>HMAC-SHA256 of the exact bytes sent, hex: the <c>X-AssetLedger-Signature</c> header (<c>v1=…</c>).</summary>
    public static string Sign(byte[] key, ReadOnlySpan<byte> body) => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

    /// <summary>Constant-time comparison of a received signature with the one the body should have.</summary>
    public static bool Verify(byte[] key, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, body)), Encoding.ASCII.GetBytes(signature));
}
