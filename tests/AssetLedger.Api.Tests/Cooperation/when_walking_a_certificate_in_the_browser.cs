using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// The certificate journey in Debian's Chromium, on the two running ledgers: NL's prosecutor issues
/// and transmits through the forms; DE's prosecutor finds it received, recognises and executes it;
/// NL's page then shows the execution that DE's ledger reported, in its timeline.
/// </summary>
public sealed class when_walking_a_certificate_in_the_browser(TwoLedgers two) : TwoLedgersTest(two)
{
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(Browser.BrowserFixture.ChromiumPath))
            throw new InvalidOperationException($"{Browser.BrowserFixture.ChromiumPath} is missing: run ops/chromium.sh (ops/test.sh does).");
        SetDefaultExpectTimeout(60_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Browser.BrowserFixture.ChromiumPath, Headless = true });
    }

    public override async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>A fresh browser (own cookies) on one ledger, signed in as one of its demo users, on its certificate list.</summary>
    private async Task<IPage> SignInAsync(Ledger ledger, string demoUser)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{ledger.Port}" });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("signin-" + demoUser).ClickAsync();
        await Expect(page.GetByTestId("who")).ToContainTextAsync($"({ledger.State})");
        await page.GetByRole(AriaRole.Link, new() { Name = "Certificates" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Certificates", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private static async Task<ILocator> ActionAsync(IPage page, string name)
    {
        var action = page.GetByTestId("action-" + name);
        if (await action.GetAttributeAsync("open") is null) await action.Locator("summary").ClickAsync();
        return action;
    }

    /// <summary>Reloads until the status badge reads <paramref name="status"/> (the other ledger's report arrives in the background).</summary>
    private static async Task StatusAsync(IPage page, string status)
    {
        if (await page.GetByTestId("certificate-status").CountAsync() == 0)
            Assert.Fail($"No certificate page at {page.Url}: {System.Text.RegularExpressions.Regex.Replace(await page.Locator("main").InnerTextAsync(), @"\s+", " ")}");
        for (var i = 0; i < 100 && (await page.GetByTestId("certificate-status").TextContentAsync())?.Trim() != status; i++)
        {
            await Task.Delay(100);
            await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Commit });
        }
        await Expect(page.GetByTestId("certificate-status")).ToHaveTextAsync(status);
    }

    [Fact]
    public async Task nl_issues_and_transmits_de_recognises_and_executes_and_nl_sees_it()
    {
        var reference = "RTM-WEB-" + Guid.NewGuid().ToString("N")[..6];
        var nl = await SignInAsync(Two.NL, "demo-prosecutor");
        await nl.GetByTestId("issue-certificate").ClickAsync();
        var form = nl.GetByTestId("issue-form");
        await form.GetByLabel("Kind", new() { Exact = true }).SelectOptionAsync("confiscation");
        await form.GetByLabel("Executing State", new() { Exact = true }).SelectOptionAsync("DE");
        await form.GetByLabel("Issuing authority", new() { Exact = true }).FillAsync("Openbaar Ministerie Rotterdam");
        await form.GetByLabel("Order reference", new() { Exact = true }).FillAsync(reference);
        await form.GetByLabel("Order issued on", new() { Exact = true }).FillAsync("2026-02-01");
        await form.GetByLabel("Order final on (optional)", new() { Exact = true }).FillAsync("2026-02-20");
        await form.GetByLabel("Amount for the executing State (optional)", new() { Exact = true }).FillAsync("10000.01");
        await form.GetByLabel("Amount for the executing State currency", new() { Exact = true }).FillAsync("EUR");
        await form.GetByLabel("Offence (Art 3(1) list)", new() { Exact = true }).SelectOptionAsync("trafficking_in_human_beings");
        await form.GetByLabel("IBAN (optional)", new() { Exact = true }).FillAsync("NL91ABNA0417164300");
        await form.GetByLabel("BIC (optional)", new() { Exact = true }).FillAsync("ABNANL2A");
        await form.GetByLabel("Account holder (optional)", new() { Exact = true }).FillAsync("Ministerie van Justitie en Veiligheid");
        await nl.GetByTestId("submit-issue").ClickAsync();
        await StatusAsync(nl, "issued");

        await (await ActionAsync(nl, "transmit")).GetByTestId("submit-transmit").ClickAsync();
        await StatusAsync(nl, "received");
        await Expect(nl.GetByTestId("action-transmit")).ToHaveCountAsync(0);

        var de = await SignInAsync(Two.DE, "demo-prosecutor");
        await de.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await StatusAsync(de, "received");
        await Expect(de.GetByTestId("deadlines")).ToContainTextAsync("Art 20(1)");
        await Expect(de.GetByTestId("action-refusal")).ToHaveCountAsync(0); // no refusal before consulting (Art 19(2))
        await (await ActionAsync(de, "recognition")).GetByTestId("submit-recognition").ClickAsync();
        await StatusAsync(de, "recognised");
        var execute = await ActionAsync(de, "execution");
        await execute.GetByLabel("Value frozen or amount obtained (optional)", new() { Exact = true }).FillAsync("10000.01");
        await execute.GetByTestId("submit-execution").ClickAsync();
        await StatusAsync(de, "executed");

        await StatusAsync(nl, "executed");
        await Expect(nl.GetByTestId("executed-value")).ToContainTextAsync("10000.01 EUR");
        await Expect(nl.GetByTestId("timeline")).ToContainTextAsync("receipt confirmed");
        await Expect(nl.GetByTestId("timeline")).ToContainTextAsync("certificate executed");
        await Expect(nl.GetByTestId("no-actions")).ToBeVisibleAsync(); // an executed confiscation cannot be withdrawn (Art 27)
    }

    [Fact]
    public async Task nl_treasury_sees_on_its_reconciliation_page_what_de_owes_under_the_certificate()
    {
        var de = new Infrastructure.Desk("DE", "LKA");
        var id = await Two.IssuedAndReceivedAsync(amount: "10000.01");
        await TwoLedgers.Command(Two.DE, id, "recognition").Ok();
        await TwoLedgers.Command(Two.DE, id, "execution", new { commandId = Guid.NewGuid(), value = Infrastructure.Scenarios.Money("10000.01") }).Ok();
        var caseId = await Distribution.DistributionKit.OpenCase(Two.DE.Client, de);
        await Distribution.DistributionKit.RealisedAsset(Two.DE.Client, de, caseId, "10000.01");
        var body = Distribution.DistributionKit.Body(Guid.NewGuid(), "eu-2018-1805", "NL");
        body["certificateId"] = id;
        await Distribution.DistributionKit.Distributed(Two.DE.Client, de, caseId, body);
        var reference = (await TwoLedgers.Until(Two.NL, id, r => r["shares"].GetArrayLength() == 1))["details"].GetProperty("orderReference").GetString()!;

        var page = await SignInAsync(Two.NL, "demo-treasury");
        await page.GetByRole(AriaRole.Link, new() { Name = "Reconciliation" }).ClickAsync();
        var receivables = page.GetByTestId("receivables");
        await Expect(receivables).ToContainTextAsync("DE");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = reference })).ToBeVisibleAsync();
        await Expect(page.Locator("li", new() { HasText = reference })).ToContainTextAsync("due 5000.01 EUR, settled 0.00 EUR");
    }
}
