using AssetLedger.Api.Cases;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web.Cases;

/// <summary>The case list of GET /api/cases: search, status filter, pages; same query, same visibility.</summary>
public sealed class IndexModel(IDocumentStore store) : WebPage
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNo { get; set; } = 1;

    public CaseList Result { get; private set; } = new([], 0);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (RefuseWithout("GET /api/cases") is { } refusal) return refusal;
        CaseStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (TextRules.TryEnum<CaseStatus>(Status, out var s)) status = s;
            else Errors["status"] = ["Must be open or closed."];
        }
        if (Q is { Length: > 200 } || (Q is not null && TextRules.HasForbiddenControl(Q))) Errors["q"] = ["Must be at most 200 characters without control characters."];
        if (PageNo < 1) PageNo = 1;
        if (Errors.Count > 0) { Response.StatusCode = 400; return Page(); }
        await using var session = store.QuerySession(Caller.Jurisdiction);
        Result = await CaseQueries.ListAsync(session, Caller, status, string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), PageNo, PageSize, ct);
        return Page();
    }

    public int Pages => (int)Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    public string Link(int page) => $"/cases?q={Uri.EscapeDataString(Q ?? "")}&status={Uri.EscapeDataString(Status ?? "")}&p={page}";
}
