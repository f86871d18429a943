using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AssetLedger.Api.Audit;

/// <summary>
/// The immutable content of one event that its hash covers. <see cref="Provenance"/> is where an
/// event not recorded through a command comes from (an imported register's file and row, see
/// <see cref="AuditChain.ProvenanceOf"/>); empty for every other event, whose hash it then leaves as it was.
/// </summary>
public sealed record ChainedContent(
    string Tenant, Guid StreamId, long Version, string Type, string CanonicalData,
    string ActorId, string ActorName, string ActorRole, string ActorAgency, string RecordedAt, string Provenance = "");

/// <summary>
/// Tamper evidence: every event's hash is SHA-256 over the previous event's hash in its stream and
/// the event's immutable content in a canonical form (each field length-prefixed, the data as JSON
/// with sorted keys and no whitespace). The first event of a stream chains from 64 zeros.
/// </summary>
public static class AuditChain
{
    public const string HashHeader = "hash";

    /// <summary>The headers that say where an imported event comes from: the basis, the file's SHA-256, the row.</summary>
    public const string BasisHeader = "basis", SourceFileHeader = "sourceSha256", SourceRowHeader = "sourceRow";

    /// <summary>The chained provenance of an event with a <see cref="BasisHeader"/> (empty without one).</summary>
    public static string ProvenanceOf(string? basis, string? sourceSha256, string? sourceRow) =>
        string.IsNullOrEmpty(basis) ? "" : $"{basis}\n{sourceSha256}\n{sourceRow}";
    public static readonly string Genesis = new('0', 64);

    /// <summary>
    /// SHA-256 over the previous hash and the content: each field as its length in UTF-16 code units,
    /// ':', its UTF-8 bytes and '\n', in a fixed order (the provenance last, only when there is one).
    /// Written into one pooled buffer, as the verifier and the import hash hundreds of thousands of events.
    /// </summary>
    public static string Hash(string previous, ChainedContent c)
    {
        Span<string> fields =
        [
            previous, c.Tenant, c.StreamId.ToString("D"), c.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            c.Type, c.ActorId, c.ActorName, c.ActorRole, c.ActorAgency, c.RecordedAt, c.CanonicalData, c.Provenance,
        ];
        var count = c.Provenance.Length > 0 ? fields.Length : fields.Length - 1;
        var size = 0;
        for (var i = 0; i < count; i++) size += 12 + Encoding.UTF8.GetMaxByteCount(fields[i].Length);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                var field = fields[i];
                field.Length.TryFormat(buffer.AsSpan(at), out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
                at += digits;
                buffer[at++] = (byte)':';
                at += Encoding.UTF8.GetBytes(field, buffer.AsSpan(at));
                buffer[at++] = (byte)'\n';
            }
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, at), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly JsonWriterOptions CanonicalWriter = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON with object keys sorted ordinally and no insignificant whitespace; numbers keep their text.</summary>
    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, CanonicalWriter))
            Write(doc.RootElement, writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(JsonElement e, Utf8JsonWriter w)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(p.Value, w);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(item, w);
                w.WriteEndArray();
                break;
            case JsonValueKind.String: w.WriteStringValue(e.GetString()); break;
            case JsonValueKind.Number: w.WriteRawValue(e.GetRawText(), skipInputValidation: true); break;
            case JsonValueKind.True: w.WriteBooleanValue(true); break;
            case JsonValueKind.False: w.WriteBooleanValue(false); break;
            default: w.WriteNullValue(); break;
        }
    }
}
