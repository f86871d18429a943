using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssetLedger.Api.Tests.Browser;

/// <summary>
/// One journey per role from the sign-in page to its result, in a real headless Chromium against
/// the service on a TCP port and a real PostgreSQL. Screenshots of the main pages go to
/// bin/…/screenshots. Every form posts through the API's own parsers and messages, so these
/// journeys also check that the pages and the API agree.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class when_using_the_web_interface(BrowserFixture fixture)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";

    /// <summary>Opens an action's form on the asset page (they start folded when there are several).</summary>
    private static async Task<ILocator> ActionAsync(IPage page, string name)
    {
        var action = page.GetByTestId("action-" + name);
        if (await action.GetAttributeAsync("open") is null) await action.Locator("summary").ClickAsync();
        return action;
    }

    [Fact]
    public async Task an_investigator_opens_a_case_and_records_an_asset_its_freezing_and_its_seizure()
    {
        var page = await fixture.SignInAsync("demo-investigator");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("investigator");

        var reference = Unique("NL-INV");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open a case" }).ClickAsync();
        await page.GetByLabel("Reference", new() { Exact = true }).FillAsync(reference);
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Operation Harbour");
        await page.GetByLabel("migrant smuggling").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the case" }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(reference);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add an asset" }).ClickAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("vehicle");
        await page.GetByLabel("Description").FillAsync("Black SUV");
        await page.GetByLabel("vin").FillAsync("1M8GDM9AXKP042788");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the asset" }).ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("identified");

        var freeze = await ActionAsync(page, "freeze");
        await freeze.GetByLabel("Freezing order reference").FillAsync("RC-AMS-2026-117");
        await freeze.GetByTestId("submit-freeze").ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("frozen");

        // Bad input: a message next to the field, and nothing recorded.
        var before = await fixture.EventCountAsync();
        var seize = await ActionAsync(page, "seize");
        await seize.GetByLabel("Location", new() { Exact = true }).FillAsync("Depot Utrecht");
        await seize.GetByTestId("submit-seize").ClickAsync();
        seize = page.GetByTestId("action-seize");
        await Expect(seize.Locator(".field.invalid")).ToContainTextAsync("This field is required.");
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("frozen");
        Assert.Equal(before, await fixture.EventCountAsync());

        await seize.GetByLabel("Custodian").FillAsync("Domeinen Roerende Zaken");
        await seize.GetByTestId("submit-seize").ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("seized");
        Assert.Equal(before + 1, await fixture.EventCountAsync());

        var value = await ActionAsync(page, "valuations");
        await value.GetByLabel("Value", new() { Exact = true }).FillAsync("41000.00");
        await value.GetByLabel("Valuer").FillAsync("Domeinen");
        await value.GetByTestId("submit-valuations").ClickAsync();
        await Expect(page.GetByTestId("valuations")).ToContainTextAsync("41000.00 EUR");
        await fixture.ScreenshotAsync(page, "asset-investigator");

        await page.Locator(".crumbs a").Nth(1).ClickAsync();
        await Expect(page.GetByTestId("assets-seized")).ToContainTextAsync("Black SUV");
        await Expect(page.GetByTestId("totals")).ToContainTextAsync("41000.00 EUR");
        var timeline = page.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("asset seized");
        await Expect(timeline).ToContainTextAsync("Legal basis: order RC-AMS-2026-117");
        await Expect(timeline).ToContainTextAsync("Demo Investigator");
        await fixture.ScreenshotAsync(page, "case");
    }

    [Fact]
    public async Task a_prosecutor_sees_status_orders_and_deadlines_and_records_a_confiscation_order()
    {
        var reference = Unique("NL-PRO");
        var caseId = await fixture.CaseAsync(reference);
        var asset = await fixture.AssetAsync(caseId, "Cash at the premises");
        await fixture.SeizedAsync(asset);
        var expiry = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd");
        await fixture.Command("prosecutor", asset, "orders", new
        {
            commandId = Guid.NewGuid(), orderId = Guid.NewGuid(), type = "restraint", court = "Rechtbank Amsterdam", reference = "RO-" + reference,
            issuedOn = "2026-03-01", expiresOn = expiry,
        });

        var page = await fixture.SignInAsync("demo-prosecutor");
        await page.GetByLabel("Search reference or title").FillAsync(reference);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Expect(page.GetByTestId("assets-seized")).ToContainTextAsync("Cash at the premises");

        await page.GetByRole(AriaRole.Link, new() { Name = "cash – Cash at the premises" }).ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("seized");
        await Expect(page.GetByTestId("orders")).ToContainTextAsync("RO-" + reference);
        await Expect(page.GetByTestId("action-freeze")).ToHaveCountAsync(0);

        var order = await ActionAsync(page, "orders");
        await Expect(order.GetByLabel("Type")).ToHaveValueAsync("confiscation");
        await order.GetByLabel("Court").FillAsync("Rechtbank Amsterdam");
        await order.GetByLabel("Order reference").FillAsync("CO-" + reference);
        await order.GetByTestId("submit-orders").ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("confiscation ordered");
        await Expect(page.GetByTestId("orders")).ToContainTextAsync("CO-" + reference);
        await fixture.ScreenshotAsync(page, "asset-prosecutor");

        await page.GetByRole(AriaRole.Link, new() { Name = "Deadlines" }).ClickAsync();
        var row = page.GetByTestId("deadlines").Locator("tr", new() { HasText = "RO-" + reference });
        await Expect(row).ToContainTextAsync(expiry);
        await Expect(row).ToContainTextAsync("order expiry");
        await fixture.ScreenshotAsync(page, "deadlines");
    }

    [Fact]
    public async Task treasury_realises_an_asset_computes_a_distribution_settles_and_downloads_the_reconciliation()
    {
        var reference = Unique("NL-TRE");
        var caseId = await fixture.CaseAsync(reference);
        var asset = await fixture.AssetAsync(caseId, "Cash to realise");
        await fixture.ConfiscatedAsync(asset);
        var victim = "V-" + reference;
        await fixture.ApiAsync("prosecutor", $"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef = victim, amount = Given.Money("5000.00"), basis = "Judgment 2026/1" });

        var page = await fixture.SignInAsync("demo-treasury");
        await page.GotoAsync($"/assets/{asset}");
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("confiscated");
        var realise = await ActionAsync(page, "realisation");
        await realise.GetByLabel("Gross proceeds", new() { Exact = true }).FillAsync("23500.00");
        await realise.GetByLabel("Method").SelectOptionAsync("cash");
        await realise.GetByTestId("submit-realisation").ClickAsync();
        await Expect(page.GetByTestId("asset-status")).ToHaveTextAsync("realised");

        await page.GotoAsync($"/cases/{caseId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Compute a distribution" }).ClickAsync();
        await Expect(page.GetByTestId("undistributed")).ToContainTextAsync("23500.00 EUR");
        await page.GetByLabel("Regime").SelectOptionAsync("eu-2018-1805");
        await page.GetByLabel("Counterparty State").FillAsync("DE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compute" }).ClickAsync();
        await Expect(page.GetByTestId("base")).ToHaveTextAsync("23500.00 EUR");
        await Expect(page.GetByTestId("explanation").Locator("li").First).ToBeVisibleAsync();
        var allocations = page.GetByTestId("allocations");
        await Expect(allocations).ToContainTextAsync("state DE");
        var victimRow = allocations.Locator("tr", new() { HasText = victim });
        await Expect(victimRow).ToContainTextAsync("5000.00 EUR");

        await victimRow.GetByLabel("Bank reference").FillAsync("PAY-" + reference);
        await victimRow.GetByRole(AriaRole.Button, new() { Name = "Record payment" }).ClickAsync();
        victimRow = page.GetByTestId("allocations").Locator("tr", new() { HasText = victim });
        await Expect(victimRow).ToContainTextAsync("settled");
        await fixture.ScreenshotAsync(page, "distribution");

        await page.GetByRole(AriaRole.Link, new() { Name = "Reconciliation" }).ClickAsync();
        var stateRow = page.GetByTestId("reconciliation").Locator("tr", new() { HasText = "state DE" });
        await Expect(stateRow).ToBeVisibleAsync();
        await Expect(page.GetByTestId("reconciliation").Locator("tr", new() { HasText = victim })).ToContainTextAsync("5000.00");
        await fixture.ScreenshotAsync(page, "reconciliation");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv").ClickAsync());
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.Equal("payeeType,payeeId,currency,due,settled,outstanding,distributions", csv[0]);
        Assert.Contains($"victim,{victim},EUR,5000.00,5000.00,0.00,1", csv);
    }

    [Fact]
    public async Task a_role_sees_only_the_actions_it_may_take()
    {
        var caseId = await fixture.CaseAsync(Unique("NL-ROLE"));
        var asset = await fixture.AssetAsync(caseId, "Identified cash");

        var treasury = await fixture.SignInAsync("demo-treasury");
        await treasury.GotoAsync($"/assets/{asset}");
        await Expect(treasury.GetByTestId("asset-status")).ToHaveTextAsync("identified");
        await Expect(treasury.GetByTestId("action-valuations")).ToHaveCountAsync(1);
        foreach (var action in new[] { "freeze", "seize", "custody-transfers", "orders", "release", "realisation" })
            await Expect(treasury.GetByTestId("action-" + action)).ToHaveCountAsync(0);
        await Expect(treasury.GetByRole(AriaRole.Link, new() { Name = "Deadlines" })).ToHaveCountAsync(0);

        var auditor = await fixture.SignInAsync("demo-auditor");
        await auditor.GotoAsync($"/assets/{asset}");
        await Expect(auditor.GetByTestId("no-actions")).ToBeVisibleAsync();
        await auditor.GotoAsync($"/cases/{caseId}");
        await Expect(auditor.GetByRole(AriaRole.Link, new() { Name = "Add an asset" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task a_forbidden_or_invisible_url_gives_a_friendly_page_and_changes_nothing()
    {
        var caseId = await fixture.CaseAsync(Unique("NL-FIOD"));
        var asset = await fixture.AssetAsync(caseId, "FIOD only");

        var treasury = await fixture.SignInAsync("demo-treasury");
        var forbidden = await treasury.GotoAsync("/deadlines");
        Assert.Equal(403, forbidden!.Status);
        await Expect(treasury.GetByTestId("problem")).ToContainTextAsync("Not allowed for your role");
        await fixture.ScreenshotAsync(treasury, "forbidden");

        var newAsset = await treasury.GotoAsync($"/cases/{caseId}/assets/new");
        Assert.Equal(403, newAsset!.Status);

        // A form the role does not get, posted anyway (with a valid antiforgery token): 403, nothing recorded.
        await treasury.GotoAsync($"/assets/{asset}");
        var before = await fixture.EventCountAsync();
        var status = await treasury.EvaluateAsync<int>(@"async () => {
            const token = document.querySelector('input[name=__RequestVerificationToken]').value;
            const body = new URLSearchParams({ __RequestVerificationToken: token, action: 'freeze', commandId: crypto.randomUUID(),
                orderReference: 'R-1', frozenAt: '2026-03-01T10:00' });
            return (await fetch(location.pathname, { method: 'POST', body })).status;
        }");
        Assert.Equal(403, status);
        Assert.Equal(before, await fixture.EventCountAsync());

        var other = await fixture.SignInAsync("demo-kmar-investigator");
        var hiddenCase = await other.GotoAsync($"/cases/{caseId}");
        Assert.Equal(404, hiddenCase!.Status);
        await Expect(other.GetByTestId("problem")).ToContainTextAsync("Not found");
        Assert.Equal(404, (await other.GotoAsync($"/assets/{asset}"))!.Status);
        Assert.Equal(404, (await other.GotoAsync("/assets/not-a-guid"))!.Status);
    }

    [Fact]
    public async Task the_sign_in_cookie_never_authenticates_the_api_and_pages_need_a_sign_in()
    {
        var page = await fixture.SignInAsync("demo-investigator");
        var api = await page.APIRequest.GetAsync("/api/cases");
        Assert.Equal(401, api.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/cases");
        Assert.Contains("/signin", page.Url);

        var anonymous = await (await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl })).NewPageAsync();
        await anonymous.GotoAsync("/cases");
        Assert.Contains("/signin", anonymous.Url);
        await Expect(anonymous.GetByTestId("signin-demo-prosecutor")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(anonymous, "signin");
    }

    [Fact]
    public async Task a_double_submitted_form_is_a_replay_of_one_command()
    {
        var caseId = await fixture.CaseAsync(Unique("NL-DBL"));
        var asset = await fixture.AssetAsync(caseId, "Submitted twice");
        var page = await fixture.SignInAsync("demo-investigator");
        await page.GotoAsync($"/assets/{asset}");
        var value = await ActionAsync(page, "valuations");
        await value.GetByLabel("Value", new() { Exact = true }).FillAsync("100.00");
        await value.GetByLabel("Valuer").FillAsync("Bank");

        var before = await fixture.EventCountAsync();
        var statuses = await page.EvaluateAsync<int[]>(@"async () => {
            const form = document.querySelector('[data-testid=action-valuations] form');
            const send = () => fetch(location.pathname, { method: 'POST', body: new URLSearchParams(new FormData(form)), redirect: 'manual' });
            const first = await send();
            const second = await send();
            return [first.type === 'opaqueredirect' ? 302 : first.status, second.type === 'opaqueredirect' ? 302 : second.status];
        }");
        Assert.Equal([302, 302], statuses);
        Assert.Equal(before + 1, await fixture.EventCountAsync());
    }
}
