using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AssetLedger.Api.Tests.Faults;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AssetLedger.Api.Tests.Browser;

/// <summary>
/// The built service as its own process on a real TCP port (as ops/run.sh runs it), against its
/// own database of the shared test PostgreSQL, in Development (demo sign-in on), and Debian's Chromium driven headless by Playwright through
/// ExecutablePath (Playwright's own browser downloads are never used; ops/chromium.sh installs it).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private ServiceProcess service = null!;
    private IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string ConnectionString { get; private set; } = "";
    public HttpClient Http { get; } = new();
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "logs"));
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ops/chromium.sh (ops/test.sh does) to install Debian's chromium.");
        var server = await TestDatabase.Shared;
        ConnectionString = await server.CreateDatabaseAsync("web_tests_" + Guid.NewGuid().ToString("N")[..8]);
        // The built service itself, as ops/run.sh runs it (Development: demo sign-in on), on a port of its own.
        service = await ServiceProcess.StartAsync("web", ConnectionString, ScreenshotFolder.Replace("screenshots", "logs"));
        BaseUrl = $"http://127.0.0.1:{service.Port}";
        Http.BaseAddress = new Uri(BaseUrl);
        Directory.CreateDirectory(ScreenshotFolder);

        // The whole suite runs in parallel on two cores: a first page render (JIT) or a command
        // (Wolverine compiles its handlers on first use) can take far longer than Playwright's
        // defaults (5 s for assertions, 30 s for actions) while the fault tests load the machine.
        // Generous limits only make a failing test slower; they never make a wrong page pass.
        Assertions.SetDefaultExpectTimeout(60_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        // One page rendered before the first test: its JIT cost is not charged to a test's timeouts.
        using var warmUp = await Http.GetAsync("/signin");
        warmUp.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        Http.Dispose();
        if (service is not null) await service.DisposeAsync();
    }

    /// <summary>A fresh browser (own cookies) signed in as a demo user through the sign-in page.</summary>
    public async Task<IPage> SignInAsync(string demoUser)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        // Nothing here waits for the browser's "load" event: Chromium twice did not report it within
        // 90 s for a page the service had answered in full (only "networkidle" was seen), once with
        // both cores loaded and once on a quiet machine. `WaitForURLAsync` waits for "load" when the
        // URL already matches, so the URL is polled as an assertion instead; the page's own elements
        // say it is there.
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByTestId("signin-" + demoUser).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/cases$"));
        await Assertions.Expect(page.GetByTestId("who")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cases", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    public async Task<long> EventCountAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from assetledger.mt_events where type <> 'tombstone'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Given state through the API itself (bearer tokens), for journeys that start later in the lifecycle.</summary>
    public async Task<JsonElement> ApiAsync(string role, string url, object body, string agency = "FIOD")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(role, agency: agency, sub: "api-" + role));
        using var response = await Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {raw}");
        return JsonDocument.Parse(raw).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>Given states built through the API, with unique references (the browser tests share one store).</summary>
public static class Given
{
    public static object Money(string amount, string currency = "EUR") => new { amount, currency };

    public static async Task<Guid> CaseAsync(this BrowserFixture f, string reference, string agency = "FIOD")
    {
        var id = Guid.NewGuid();
        await f.ApiAsync("investigator", "/api/cases", new { caseId = id, reference, title = "Operation " + reference, offences = new[] { "trafficking_in_human_beings" } }, agency);
        return id;
    }

    public static async Task<Guid> AssetAsync(this BrowserFixture f, Guid caseId, string description, string agency = "FIOD")
    {
        var id = Guid.NewGuid();
        await f.ApiAsync("investigator", $"/api/cases/{caseId}/assets", new { assetId = id, kind = "cash", description, location = "NL" }, agency);
        return id;
    }

    public static Task Command(this BrowserFixture f, string role, Guid assetId, string command, object body) =>
        f.ApiAsync(role, $"/api/assets/{assetId}/{command}", body);

    public static async Task SeizedAsync(this BrowserFixture f, Guid assetId)
    {
        await f.Command("investigator", assetId, "seize", new { commandId = Guid.NewGuid(), custodian = "Police evidence room", location = "Amsterdam", seizedAt = "2026-03-03T07:40:00Z" });
        await f.Command("investigator", assetId, "valuations", new { commandId = Guid.NewGuid(), value = Money("23500.00"), method = "face_value", valuer = "Counted", valuedOn = "2026-03-03" });
    }

    public static async Task<Guid> ConfiscatedAsync(this BrowserFixture f, Guid assetId)
    {
        await f.SeizedAsync(assetId);
        var order = Guid.NewGuid();
        await f.Command("prosecutor", assetId, "orders", new { commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam", reference = "CO-" + Guid.NewGuid().ToString("N")[..6], issuedOn = "2026-06-15" });
        await f.Command("prosecutor", assetId, "finality", new { commandId = Guid.NewGuid(), orderId = order, finalOn = "2026-08-01" });
        return order;
    }
}
