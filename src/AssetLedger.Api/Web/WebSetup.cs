using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.FileProviders;

namespace AssetLedger.Api.Web;

/// <summary>
/// The web interface: Razor Pages under <c>Web/</c>, signed in with a cookie. The API keeps its
/// default scheme (JWT bearer) and its own 401 problems: the pages' policy names the cookie scheme
/// explicitly, so a cookie never authenticates an /api route and a bearer token never a page.
/// Sign-in is a demo user picker (Development, or <c>Auth:DemoSignIn=true</c>) or OpenID Connect
/// against <c>Auth:Authority</c> (client <c>Auth:ClientId</c>, <c>Auth:ClientSecret</c>).
/// </summary>
public static class WebSetup
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string Policy = "web";

    public sealed record Options(bool DemoSignIn, bool Oidc);

    public static void AddWebInterface(this IServiceCollection services, IConfiguration config, IWebHostEnvironment env)
    {
        var demo = config.GetValue<bool?>("Auth:DemoSignIn") ?? env.IsDevelopment();
        var authority = config["Auth:Authority"];
        var oidc = !string.IsNullOrEmpty(authority) && !string.IsNullOrEmpty(config["Auth:ClientId"]);
        services.AddSingleton(new Options(demo, oidc));

        var auth = services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "assetledger.web";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        if (oidc)
            auth.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = authority;
                o.ClientId = config["Auth:ClientId"];
                o.ClientSecret = config["Auth:ClientSecret"];
                o.ResponseType = "code";
                o.UsePkce = true;
                o.SignInScheme = CookieScheme;
                o.MapInboundClaims = false; // keep sub, name, role, jurisdiction, agency as the API reads them
                o.GetClaimsFromUserInfoEndpoint = true;
                o.SaveTokens = false;
                o.Scope.Add("profile");
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                o.CallbackPath = "/signin-oidc";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
            });

        services.AddAuthorization(o => o.AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()));
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/SignIn");
        });
    }

    /// <summary>Static files (from the binaries' folder, whatever the working directory) and the pages.</summary>
    public static void MapWebInterface(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var files = Directory.Exists(root) ? new PhysicalFileProvider(root) : app.Environment.WebRootFileProvider;
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapRazorPages();
    }

    /// <summary>A signed-in principal with exactly the claims of an API token.</summary>
    public static ClaimsPrincipal Principal(DemoUser user) => new(new ClaimsIdentity(
        [
            new Claim("sub", user.Sub), new Claim("name", user.Name), new Claim("role", user.Role),
            new Claim("jurisdiction", user.Jurisdiction), new Claim("agency", user.Agency),
        ], CookieScheme, "name", "role"));
}


/// <summary>The demo users of the development sign-in page: one per role of NL/FIOD, and an investigator of another agency.</summary>
public sealed record DemoUser(string Sub, string Name, string Role, string Jurisdiction, string Agency, string Does)
{
    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("demo-investigator", "Demo Investigator", "investigator", "NL", "FIOD", "opens cases, records assets, freezings, seizures, custody, valuations"),
        new("demo-prosecutor", "Demo Prosecutor", "prosecutor", "NL", "FIOD", "records court orders, appeals, finality, victim claims; watches deadlines"),
        new("demo-treasury", "Demo Treasury", "treasury", "NL", "FIOD", "records sales, computes distributions, settles, reconciles"),
        new("demo-auditor", "Demo Auditor", "auditor", "NL", "FIOD", "reads everything of NL; changes nothing"),
        new("demo-admin", "Demo Admin", "admin", "NL", "FIOD", "operator; reads like the auditor"),
        new("demo-kmar-investigator", "Demo KMAR Investigator", "investigator", "NL", "KMAR", "an investigator of another agency: sees only cases KMAR takes part in"),
    ];

    /// <summary>
    /// The demo users of a ledger: NL's (above), or, on a ledger of another State (<c>Cooperation:State</c>,
    /// e.g. DE beside NL in ops/run-two.sh), the same roles of that State's asset recovery office.
    /// </summary>
    public static IReadOnlyList<DemoUser> For(string? state) =>
        state is null or "NL" ? All : All.Where(u => u.Agency == "FIOD").Select(u => u with
        {
            Name = u.Name.Replace("Demo ", $"Demo {state} "), Jurisdiction = state, Agency = "ARO",
            Does = u.Does.Replace("NL", state),
        }).ToList();
}
