using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Api.Certificates.Deadlines;

/// <summary>An open time limit of a received certificate, as the deadlines view lists it.</summary>
public sealed record CertificateDeadlineRow(Guid CertificateId, string OrderReference, CertificateKind CertificateKind, string IssuingState,
    DeadlineKind Kind, Instant Due, string LegalBasis, bool Missed, bool Overdue);

/// <summary>
/// <c>GET /api/certificates/deadlines?before=</c>: the open time limits of the certificates this ledger
/// executes (Art 9(3), Art 20(1)), soonest first; a missed one stays listed until its decision is
/// taken. Beside <c>GET /api/deadlines</c>, whose rows the contract shapes per asset order.
/// </summary>
public static class ListCertificateDeadlinesSlice
{
    [ApiRoute("GET", "/certificates/deadlines", Roles.Investigator, Roles.Prosecutor, Roles.Auditor)]
    private static async Task<IResult> ListCertificateDeadlines(HttpContext http, string? before, IDocumentStore store, JurisdictionCalendar calendar, IClock clock, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Api.Deadlines.DeadlineEndpoints.TryBefore(before, out var limit)) return Api.Deadlines.DeadlineEndpoints.BadBefore;
        await using var session = store.QuerySession(caller.Jurisdiction);
        return Results.Json(await ListAsync(session, clock.GetCurrentInstant(), calendar.ZoneOf(caller.Jurisdiction), limit, ct), ApiJson.Options);
    }

    public static async Task<IReadOnlyList<CertificateDeadlineRow>> ListAsync(IQuerySession session, Instant now, DateTimeZone zone, LocalDate? limit, CancellationToken ct)
    {
        var executing = await session.Query<Certificate>().Where(c => c.Role == CertificateRole.Executing).ToListAsync(ct);
        return executing.Where(c => !c.Status.IsClosed())
            .SelectMany(c => CertificateDeadlines.Of(c).Where(d => d.Open).Select(d =>
                new CertificateDeadlineRow(c.Id, c.Details.OrderReference, c.Kind, c.Details.IssuingState, d.Kind, d.Due, d.LegalBasis, d.Missed, d.OverdueAt(now))))
            .Where(d => limit is null || d.Due.InZone(zone).Date <= limit)
            .OrderBy(d => d.Due).ThenBy(d => d.CertificateId)
            .ToList();
    }
}
