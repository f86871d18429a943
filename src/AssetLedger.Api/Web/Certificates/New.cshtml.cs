using AssetLedger.Api.Certificates.Issuing;
using AssetLedger.Api.Cooperation;
using AssetLedger.Certificates;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace AssetLedger.Api.Web.Certificates;

/// <summary>Issuing a certificate (POST /api/certificates) through the API's parser; transmission is the next step, on its page.</summary>
public sealed class NewModel(CommandExecutor executor, IClock clock, JurisdictionCalendar calendar, PeerDirectory peers) : WebPage
{
    public const string Form = "issue";

    public IReadOnlyList<string> Peers => peers.All.Select(p => p.State).Order(StringComparer.Ordinal).ToList();
    public IEnumerable<string> Offences => Enum.GetValues<ListedOffence>().Select(o => Display.Wire(o));
    public string Today => Display.Date(calendar.Today(Caller.Jurisdiction));

    public IActionResult OnGet() => Refused() ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Refused() is { } refusal) return refusal;
        var errors = IssueCertificateSlice.Prepare(FormBodyOf(calendar), peers, RequestAs(RoleFor(IssueCertificateSlice.Route)!), out var prepared);
        var id = prepared?.Context.CommandId;
        return await RunAsync(Form, errors, () => IssueCertificateSlice.Run(executor, clock, prepared!, ct), $"/certificates/{id}",
            "Certificate issued. Transmit it when it is signed.") ?? Page();
    }

    private IActionResult? Refused() =>
        RefuseWithout(IssueCertificateSlice.Route)
        ?? (IssueCertificateSlice.Refusal(peers, Caller) is { } r ? Friendly(r.Status, "Not available on this ledger", r.Detail) : null);
}
