using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web;

public sealed class SignOutModel(WebSetup.Options options) : WebPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WebSetup.CookieScheme);
        if (options.Oidc && !options.DemoSignIn)
            return SignOut(new AuthenticationProperties { RedirectUri = "/" }, WebSetup.OidcScheme);
        return Redirect("/");
    }
}
