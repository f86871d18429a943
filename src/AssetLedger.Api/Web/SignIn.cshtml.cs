using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace AssetLedger.Api.Web;

/// <summary>Demo users (development) or OpenID Connect (production). The cookie carries the API token's claims.</summary>
public sealed class SignInModel(WebSetup.Options options, Cooperation.PeerDirectory peers) : WebPage
{
    public WebSetup.Options Options => options;

    public IReadOnlyList<DemoUser> DemoUsers => DemoUser.For(peers.State);

    [BindProperty(SupportsGet = true)] public string ReturnUrl { get; set; } = "/cases";

    public IActionResult OnGet()
    {
        if (options.Oidc && !options.DemoSignIn) return OnGetOidc();
        return Page();
    }

    public IActionResult OnGetOidc() =>
        options.Oidc
            ? Challenge(new AuthenticationProperties { RedirectUri = Local(ReturnUrl) }, WebSetup.OidcScheme)
            : Friendly(404, "Not configured", "OpenID Connect sign-in is not configured.");

    public async Task<IActionResult> OnPostAsync(string? user)
    {
        if (!options.DemoSignIn) return Friendly(404, "Not available", "Demo sign-in is switched off here.");
        var demo = DemoUsers.FirstOrDefault(u => u.Sub == user);
        if (demo is null) return Friendly(400, "Unknown demo user", "Choose one of the demo users on the sign-in page.");
        await HttpContext.SignInAsync(WebSetup.CookieScheme, WebSetup.Principal(demo));
        return Redirect(Local(ReturnUrl));
    }

    private string Local(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/cases";
}
