using NodaTime;

namespace AssetLedger.Api.Cooperation;

public sealed record OutboxEntry(Guid MessageId, string Type, string To, Guid CertificateId, int Sequence, Instant CreatedAt, int Attempts,
    bool Delivered, Instant? DeliveredAt, string? LastResult, DateTimeOffset? NextAttemptAt);

/// <summary>
/// <c>GET /api/cooperation/outbox[?pending=true]</c> (admin, auditor): the messages this ledger owes
/// other States' ledgers, oldest first, with their attempts and the last answer, so an operator sees a
/// peer that is down or a message that is refused without reading the database.
/// </summary>
public static class ReadOutboxSlice
{
    [ApiRoute("GET", "/cooperation/outbox", Roles.Admin, Roles.Auditor)]
    private static async Task<IResult> ReadOutbox(HttpContext http, string? pending, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (pending is not (null or "true" or "false"))
            return Problems.Validation(new Dictionary<string, string[]> { ["pending"] = ["Must be true or false."] });
        await using var session = store.QuerySession(caller.Jurisdiction);
        IQueryable<OutboxMessage> query = session.Query<OutboxMessage>();
        if (pending == "true") query = query.Where(m => !m.Delivered);
        var messages = await query.OrderBy(m => m.CreatedAtUnixMs).ThenBy(m => m.Sequence).Take(500).ToListAsync(ct);
        return Results.Json(messages.Select(m => new OutboxEntry(m.Id, m.Type, m.To, m.CertificateId, m.Sequence, m.CreatedAt, m.Attempts, m.Delivered,
            m.DeliveredAt, m.LastResult, m.Delivered || m.NextAttemptUnixMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(m.NextAttemptUnixMs))).ToList(), ApiJson.Options);
    }
}
