using AssetLedger.Api.Cases.Opening;
using AssetLedger.Api.Cases;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web.Cases;

/// <summary>Open a case: POST /api/cases through the same parser, message and handler.</summary>
public sealed class NewModel(IMessageBus bus, JurisdictionCalendar calendar) : WebPage
{
    public const string Route = "POST /api/cases";

    public IActionResult OnGet() => RefuseWithout(Route) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (RefuseWithoutClaims() is { } refusal) return refusal;
        if (RoleFor(Route) is not { } role) return ForbiddenPage(Route);
        var errors = OpenCaseHandler.Prepare(FormBodyOf(calendar), RequestAs(role), out var message);
        if (errors is null && OpenCaseHandler.RefuseOpen(Caller) is { } noAgency) { Refuse("open", noAgency, 403); return Page(); }
        return await InvokeAsync(bus, "open", errors, message, $"/cases/{message?.CaseId}", "The case is open. Add its first asset below.", ct) ?? Page();
    }
}
