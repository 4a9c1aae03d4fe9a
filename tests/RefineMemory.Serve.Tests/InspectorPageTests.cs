using Microsoft.Playwright;
using RefineMemory.Testing;
using static RefineMemory.Serve.Tests.ServeTestData;

namespace RefineMemory.Serve.Tests;

/// <summary>
/// The inspector page in a real browser: Playwright drives Debian's chromium (installed by eng/setup.sh) through its
/// executable path, offline. The screenshot in docs/serve.md is the one this test saves.
/// </summary>
public sealed class InspectorPageTests
{
    private static string Chromium => Environment.GetEnvironmentVariable("REFINE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/lib/chromium/chromium";

    [Fact]
    public async Task The_page_shows_both_rankings_the_judged_documents_the_rank_movement_and_the_loss_curve()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: eng/setup.sh installs Debian's chromium (or set REFINE_CHROMIUM).");
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--collection", "docs"]);
        await using (var client = await McpClientAsync(serve))
        {
            await IngestRefundsAsync(client);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1100 } });
        var failedRequests = new List<string>();
        page.RequestFailed += (_, r) => failedRequests.Add(r.Url);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                failedRequests.Add("console: " + m.Text);
            }
        };

        // Without the token the page asks for it; the fragment hands it over once and leaves the address bar.
        await page.GotoAsync(serve.BaseUri.ToString());
        await Assertions.Expect(page.Locator("#token-form")).ToBeVisibleAsync();
        Assert.Equal(["console: Failed to load resource: the server responded with a status of 401 (Unauthorized)"], failedRequests);
        failedRequests.Clear();
        await page.GotoAsync(new Uri(serve.BaseUri, "/#token=" + ServeProcess.Token).ToString());
        await Assertions.Expect(page.Locator("#collection option")).ToHaveTextAsync(["docs"]);
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#token-form")).ToBeHiddenAsync();

        await page.FillAsync("#query", "refund not showing up");
        await page.FillAsync("#top", "8");
        await page.ClickAsync("#search");
        await Assertions.Expect(page.Locator("#after li")).ToHaveCountAsync(8, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#before li")).ToHaveCountAsync(8);

        Assert.Equal(12, await page.Locator("#judged tbody tr").CountAsync()); // every document was judged
        Assert.Equal(8, await page.Locator("#slope line").CountAsync());
        Assert.NotEmpty(await page.Locator("#loss polyline").GetAttributeAsync("points") ?? "");
        await Assertions.Expect(page.Locator("[data-fact='refined']")).ToHaveTextAsync("yes");
        await Assertions.Expect(page.Locator("[data-fact='judge calls']")).ToHaveTextAsync("12");
        await Assertions.Expect(page.Locator("[data-fact='angle turned']")).ToContainTextAsync("rad");
        var after = await page.Locator("#after li .text").AllTextContentsAsync();
        Assert.All(after.Take(6), t => Assert.Contains("refund", t, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(6, await page.Locator("#after li.judged-relevant").CountAsync());
        Assert.Empty(failedRequests);

        string folder = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "inspector.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 10_000);
    }
}
