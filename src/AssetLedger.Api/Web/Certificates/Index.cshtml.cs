using AssetLedger.Api.Certificates;
using AssetLedger.Certificates;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Certificates;

/// <summary>The certificates of the caller's jurisdiction (GET /api/certificates): issued by us, and received from other States.</summary>
public sealed class IndexModel(IDocumentStore store, IClock clock, JurisdictionCalendar calendar) : WebPage
{
    public const int Shown = 200;
    public IReadOnlyList<CertificateResponse> Items { get; private set; } = [];
    public int Total { get; private set; }
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (RefuseWithout("GET /api/certificates") is { } refusal) return refusal;
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        await using var session = store.QuerySession(Caller.Jurisdiction);
        var now = clock.GetCurrentInstant();
        Total = await session.Query<Certificate>().CountAsync(ct);
        Items = (await session.Query<Certificate>().OrderByDescending(c => c.IssuedAtUnixMs).ThenBy(c => c.Id).Take(Shown).ToListAsync(ct))
            .Select(c => CertificateResponse.From(c, now)).ToList();
        return Page();
    }
}
