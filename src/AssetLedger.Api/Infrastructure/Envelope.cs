using System.Text.Json;
using JasperFx.Events;
using NodaTime;

namespace AssetLedger.Api.Infrastructure;

public sealed record Actor(string Id, string Name, string Role, string Agency);

/// <summary>
/// The event envelope: who (id, name, role, agency), jurisdiction (the tenant), when recorded (by
/// the application's clock, never a database default), command id and correlation id. It travels in
/// Marten's event metadata: headers, correlation id, causation id (= command id) and user name.
/// </summary>
public static class Envelope
{
    /// <summary>The envelope's header names (the import writes the same envelope without a command).</summary>
    public const string ActorIdHeader = "actorId", ActorNameHeader = "actorName", ActorRoleHeader = "actorRole", ActorAgencyHeader = "actorAgency";
    public const string CommandIdHeader = "commandId", RecordedAtHeader = "recordedAt", JurisdictionHeader = "jurisdiction";

    /// <summary>The envelope of every event of a session that runs one command.</summary>
    public static void Stamp(IDocumentSession session, CommandContext ctx, Instant now)
    {
        session.CorrelationId = ctx.CorrelationId;
        session.CausationId = ctx.CommandId.ToString();
        session.LastModifiedBy = ctx.Caller.Id;
        foreach (var (key, value) in Headers(ctx, now)) session.SetHeader(key, value);
    }

    /// <summary>
    /// The envelope of one command's events in a session that commits several commands (group
    /// commit): set on each event, which Marten keeps (it fills in only what an event lacks from
    /// the session, and such a session carries none of its own).
    /// </summary>
    public static void Stamp(IEnumerable<IEvent> events, CommandContext ctx, Instant now)
    {
        var headers = Headers(ctx, now); // the command's, once for all its events
        var causation = ctx.CommandId.ToString();
        foreach (var e in events)
        {
            e.CorrelationId = ctx.CorrelationId;
            e.CausationId = causation;
            e.UserName = ctx.Caller.Id;
            foreach (var (key, value) in headers) e.SetHeader(key, value);
        }
    }

    private static (string Key, string Value)[] Headers(CommandContext ctx, Instant now) =>
    [
        (ActorIdHeader, ctx.Caller.Id), (ActorNameHeader, ctx.Caller.Name), (ActorRoleHeader, ctx.Role), (ActorAgencyHeader, ctx.Caller.Agency),
        (JurisdictionHeader, ctx.Caller.Jurisdiction), (CommandIdHeader, ctx.CommandId.ToString()), (RecordedAtHeader, Format(now)),
    ];

    public static string Format(Instant instant) => IsoTime.Format(instant);

    /// <summary>The recording time from the raw <c>headers</c> column: <c>headers ->> 'recordedAt'</c> (see <see cref="RecordedAtHeaderSql"/>).</summary>
    public static Instant ParseRecordedAt(string? text, Guid streamId, long version) =>
        text is not null && IsoTime.ParseInstant(text) is { Success: true } r
            ? r.Value
            : throw new InvalidOperationException($"Event of stream {streamId} v{version} has no valid recordedAt header ({text ?? "none"}).");

    /// <summary>The SQL expression that reads the recording time from a row of mt_events.</summary>
    public const string RecordedAtHeaderSql = "headers ->> '" + RecordedAtHeader + "'";

    /// <summary>The SQL expression that reads the audit-chain hash from a row of mt_events.</summary>
    public const string HashHeaderSql = "headers ->> '" + Audit.AuditChain.HashHeader + "'";

    /// <summary>
    /// The application's recording time. Marten's header deserialisation may hand an ISO string
    /// back as a DateTime or DateTimeOffset, so every shape is accepted; all keep 100 ns precision.
    /// </summary>
    public static Instant RecordedAtOf(IEvent e)
    {
        object? raw = e.Headers is not null && e.Headers.TryGetValue(RecordedAtHeader, out var v) ? v : null;
        return raw switch
        {
            DateTimeOffset dto => Instant.FromDateTimeOffset(dto),
            DateTime dt => Instant.FromDateTimeUtc(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            _ => ParseRecordedAt(Header(e, RecordedAtHeader), e.StreamId, e.Version),
        };
    }

    public static Actor ActorOf(IEvent e) =>
        new(Header(e, ActorIdHeader) ?? e.UserName ?? "", Header(e, ActorNameHeader) ?? "", Header(e, ActorRoleHeader) ?? "", Header(e, ActorAgencyHeader) ?? "");

    public static string? HashOf(IEvent e) => Header(e, Audit.AuditChain.HashHeader);

    public static string? CommandIdOf(IEvent e) => Header(e, CommandIdHeader) ?? e.CausationId;

    private static string? Header(IEvent e, string key) =>
        e.Headers is not null && e.Headers.TryGetValue(key, out var v)
            ? v switch
            {
                null => null,
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } j => j.GetString(),
                JsonElement j => j.ToString(),
                _ => v.ToString(),
            }
            : null;
}
