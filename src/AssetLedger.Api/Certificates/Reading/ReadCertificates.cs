using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Reading;

/// <summary>
/// <c>GET /api/certificates</c> (newest first, pages of <c>pageSize</c> (50, at most 200), optionally <c>?status=</c> and <c>?role=issuing|executing</c>)
/// and <c>GET /api/certificates/{id}</c>: the certificates of the caller's jurisdiction, with their
/// deadlines and the actions this ledger may take. Another jurisdiction's certificate is a 404.
/// </summary>
public static class ReadCertificatesSlice
{
    [ApiRoute("GET", "/certificates", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> ListCertificates(HttpContext http, string? status, string? role, string? page, string? pageSize,
        IDocumentStore store, NodaTime.IClock clock, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        var errors = new Dictionary<string, string[]>();
        var pageNo = Cases.Reading.ReadCases.ParseInt(page, 1, 1, 1_000_000, "page", errors);
        var size = Cases.Reading.ReadCases.ParseInt(pageSize, 50, 1, 200, "pageSize", errors);
        CertificateStatus? s = null;
        CertificateRole? r = null;
        if (status is not null)
        {
            if (TextRules.TryEnum<CertificateStatus>(status, out var parsed)) s = parsed;
            else errors["status"] = [$"Must be one of: {string.Join(", ", TextRules.EnumNames<CertificateStatus>())}."];
        }
        if (role is not null)
        {
            if (TextRules.TryEnum<CertificateRole>(role, out var parsed)) r = parsed;
            else errors["role"] = [$"Must be one of: {string.Join(", ", TextRules.EnumNames<CertificateRole>())}."];
        }
        if (errors.Count > 0) return Problems.Validation(errors);
        await using var session = store.QuerySession(caller.Jurisdiction);
        IQueryable<Certificate> query = session.Query<Certificate>();
        if (s is { } st) query = query.Where(c => c.Status == st);
        if (r is { } ro) query = query.Where(c => c.Role == ro);
        var total = await query.CountAsync(ct);
        var list = await query.OrderByDescending(c => c.IssuedAtUnixMs).ThenBy(c => c.Id).Skip((pageNo - 1) * size).Take(size).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        return Results.Json(new CertificateList(list.Select(c => CertificateResponse.From(c, now)).ToList(), total), ApiJson.Options);
    }

    [ApiRoute("GET", "/certificates/{certificateId}", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetCertificate(HttpContext http, string certificateId, IDocumentStore store, NodaTime.IClock clock, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(certificateId, out var id)) return Problems.NotFound($"No certificate {certificateId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        return (await CertificateQueries.CurrentAsync(session, id, clock.GetCurrentInstant(), ct)).ToResult(http);
    }

    [ApiRoute("GET", "/certificates/{certificateId}/history", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> GetCertificateHistory(HttpContext http, string certificateId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(certificateId, out var id)) return Problems.NotFound($"No certificate {certificateId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        if (await session.LoadAsync<Certificate>(id, ct) is null) return Problems.NotFound($"No certificate {id}.");
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        return Results.Json(events.Select(Cases.CaseQueries.ToEntry).ToList(), ApiJson.Options);
    }
}
