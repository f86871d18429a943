using AssetLedger.Api.Cases;
using AssetLedger.Api.Certificates;
using AssetLedger.Certificates;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Certificates;

/// <summary>
/// A certificate (GET /api/certificates/{id}): its data elements, time limits, shares, its timeline,
/// and a form for each command the caller's role may send and the decider offers in its status,
/// posted through the API's parser (POST /api/certificates/{id}/{command}).
/// </summary>
public sealed class DetailsModel(IDocumentStore store, CommandExecutor executor, JurisdictionCalendar calendar, IClock clock) : WebPage
{
    public Certificate Certificate { get; private set; } = null!;
    public CertificateResponse View { get; private set; } = null!;
    public IReadOnlyList<HistoryEntry> History { get; private set; } = [];
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public async Task<IActionResult> OnGetAsync(string certificateId, CancellationToken ct) => await LoadAsync(certificateId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string certificateId, [FromForm] string? action, CancellationToken ct)
    {
        if (await LoadAsync(certificateId, ct) is { } refusal) return refusal;
        if (CertificateCommandSlices.Find(action) is not { } slice) return NotFoundPage("such action");
        if (RoleFor(slice.Route.Key) is not { } role) return ForbiddenPage(slice.Route.Key);
        var errors = CertificateCommandSlices.Prepare(FormBodyOf(calendar), slice, Certificate.Id, RequestAs(role), out var prepared);
        return await RunAsync(slice.Name, errors,
                   () => CertificateCommandSlices.RunAsync(executor, clock, prepared!.Context, prepared.Route, Certificate.Id, prepared.Command, mustExist: true, ct),
                   $"/certificates/{Certificate.Id}", $"Recorded: {slice.Route.Title.ToLowerInvariant()}.")
               ?? await LoadAsync(certificateId, ct) ?? Page();
    }

    /// <summary>Offered when the caller's role may send the command and the decider offers it in the certificate's state.</summary>
    public bool Offered(CertificateCommandSlice slice) =>
        Caller.RoleFor(slice.Route.Roles) is not null && CertificateDecider.Offers(Certificate).Contains(slice.Name);

    /// <summary>The grounds a form may name for this certificate's kind.</summary>
    public IReadOnlyList<CertificateGrounds.Ground> Grounds(string form) => form switch
    {
        "refusal" or "partial-refusal" => CertificateGrounds.Refusal(Certificate.Kind),
        "postponement" => CertificateGrounds.Postponement(Certificate.Kind),
        "impossibility" => CertificateGrounds.Impossibility(Certificate.Kind),
        _ => [],
    };

    private async Task<IActionResult?> LoadAsync(string certificateId, CancellationToken ct)
    {
        if (RefuseWithout("GET /api/certificates/{certificateId}") is { } refusal) return refusal;
        if (!Guid.TryParse(certificateId, out var id)) return NotFoundPage("certificate");
        Zone = calendar.ZoneOf(Caller.Jurisdiction);
        await using var session = store.QuerySession(Caller.Jurisdiction);
        if (await session.LoadAsync<Certificate>(id, ct) is not { } c) return NotFoundPage("certificate");
        Certificate = c;
        View = CertificateResponse.From(c, clock.GetCurrentInstant());
        History = (await session.Events.FetchStreamAsync(id, token: ct)).Select(CaseQueries.ToEntry).ToList();
        return null;
    }
}
