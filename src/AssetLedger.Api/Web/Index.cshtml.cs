using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web;

/// <summary>The first page: signed in, the case list; otherwise a short welcome that links to the sign-in.</summary>
public sealed class IndexModel : WebPage
{
    public async Task<IActionResult> OnGetAsync()
    {
        var result = await HttpContext.AuthenticateAsync(WebSetup.CookieScheme);
        return result.Succeeded ? Redirect("/cases") : Page();
    }
}
