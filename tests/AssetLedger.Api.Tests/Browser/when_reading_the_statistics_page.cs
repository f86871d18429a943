using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssetLedger.Api.Tests.Browser;

/// <summary>The /statistics page and a figure's sources, for an auditor; refused to an investigator.</summary>
[Collection(BrowserCollection.Name)]
public sealed class when_reading_the_statistics_page(BrowserFixture fixture)
{
    [Fact]
    public async Task an_auditor_sees_the_figures_charts_and_sources_and_downloads_the_csv()
    {
        var reference = $"NL-STA-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        var caseId = await fixture.CaseAsync(reference);
        await fixture.ConfiscatedAsync(await fixture.AssetAsync(caseId, "Cash for the statistics"));

        var page = await fixture.SignInAsync("demo-auditor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Statistics" }).ClickAsync();
        await page.GetByLabel("From").FillAsync("2026-01-01");
        await page.GetByLabel("To").FillAsync("2026-12-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("as-of")).ToContainTextAsync("2026-01-01 to 2026-12-31 (Europe/Amsterdam)");
        await Expect(page.Locator("svg.chart").First).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-figure=assets_confiscated]")).ToContainTextAsync("Directive 2014/42/EU Art 11(2)(b)");
        await fixture.ScreenshotAsync(page, "statistics");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv").ClickAsync());
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.Equal("figure,dimension,group,count,currency,amount,meanDays", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("assets_confiscated,asset_kind,cash,", StringComparison.Ordinal));

        await page.Locator("tr[data-figure=assets_confiscated] a").ClickAsync();
        var row = page.GetByTestId("sources").Locator("tr", new() { HasText = reference });
        await Expect(row).ToContainTextAsync("2026-08-01");
        await Expect(row).ToContainTextAsync("cash");
    }

    [Fact]
    public async Task an_investigator_has_no_statistics_link_and_gets_a_friendly_403()
    {
        var page = await fixture.SignInAsync("demo-investigator");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Statistics" })).ToHaveCountAsync(0);
        var response = await page.GotoAsync("/statistics");
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
        Assert.Equal(403, (await page.GotoAsync("/statistics/figures/assets_frozen"))!.Status);
    }
}
