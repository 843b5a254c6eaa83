using System.Text.Json;
using Microsoft.Playwright;

namespace Paywatch.Web.BrowserTests;

/// <summary>
/// The widget types config/'s dashboard does not use, in a real browser: the page is served a dashboard body with a
/// log widget as a table and as a chart (config/'s saved Logs Insights queries, run by the twin) and a text widget,
/// laid out as CloudWatch lays them out ("Dashboard Body Structure and Syntax",
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
/// </summary>
public sealed class DashboardWidgetTypesTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Log_and_text_widgets_render_the_twins_query_results_and_safe_markdown()
    {
        await using var twin = await TwinWithTraffic.StartAsync(Noon, reservedConcurrency: 20);
        await twin.SendMinuteAsync(60);
        await twin.NextMinuteAsync();

        var source = $"SOURCE '{twin.Twin.Settings.LogGroupName}' | ";
        var types = source + await File.ReadAllTextAsync(Path.Combine(Local.Tests.RepositoryRoot.Config, "queries", "Transaction-Types.query"));
        var latency = source + await File.ReadAllTextAsync(Path.Combine(Local.Tests.RepositoryRoot.Config, "queries", "Latency-Trends.query"));
        var body = JsonSerializer.Serialize(new
        {
            name = "widget-types",
            body = new
            {
                start = "-PT15M",
                widgets = new object[]
                {
                    new { type = "text", x = 0, y = 0, width = 24, height = 2, properties = new { markdown = "## Runbook\nSee [the alarms](https://example.com/runbook) **first**. <script>window.injected = true</script>" } },
                    new { type = "log", x = 0, y = 2, width = 12, height = 6, properties = new { title = "Transaction types", query = types, view = "table", region = "us-east-1" } },
                    new { type = "log", x = 12, y = 2, width = 12, height = 6, properties = new { title = "Latency", query = latency, view = "timeSeries", region = "us-east-1" } },
                },
            },
        });

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        await page.RouteAsync("**/api/dashboard", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/json", Body = body }));
        await page.GotoAsync(new Uri(twin.Url, "/#/dashboard").ToString());

        var wait = new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 };
        var text = page.Locator("[data-widget-index='0']");
        await Assertions.Expect(text).ToHaveAttributeAsync("data-state", "ready", wait);
        await Assertions.Expect(text.GetByRole(AriaRole.Heading, new() { Name = "Runbook" })).ToBeVisibleAsync();
        await Assertions.Expect(text.Locator("strong")).ToHaveTextAsync("first");
        await Assertions.Expect(text.Locator("a[href='https://example.com/runbook']")).ToHaveCountAsync(1);
        // Markdown is text, never markup: the script tag is shown, not run.
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.injected"));
        Assert.Equal(0, await text.Locator("script").CountAsync());

        // Transaction-Types: one row per transaction type the traffic had, with its count.
        var table = page.Locator("[data-widget-index='1']");
        await Assertions.Expect(table).ToHaveAttributeAsync("data-state", "ready", wait);
        await Assertions.Expect(table.Locator("th").First).ToHaveTextAsync("type");
        var rows = await table.Locator("tbody tr").AllInnerTextsAsync();
        Assert.Contains(rows, r => r.StartsWith("PURCHASE", StringComparison.Ordinal));

        // Latency-Trends over bin(5m): a chart, not a table.
        var chart = page.Locator("[data-widget-index='2']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-state", "ready", wait);
        await Assertions.Expect(chart.Locator("canvas").First).ToBeVisibleAsync();
        Assert.Equal(0, await chart.Locator("table").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumBrowser.ScreenshotFolder, "widget-types.png"), FullPage = true });

        // Dark, as the system asks: a dark page with light text.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        Assert.True(await page.EvaluateAsync<bool>(DarkText), "the page is not dark with light text under prefers-color-scheme: dark");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumBrowser.ScreenshotFolder, "widget-types-dark.png"), FullPage = true });
    }

    // Relative luminance (WCAG 2) of the body's background and of a widget's text.
    private const string DarkText = """
        () => {
          const luminance = color => {
            const [r, g, b] = color.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(c => c / 255)
              .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const background = luminance(getComputedStyle(document.body).backgroundColor);
          const text = luminance(getComputedStyle(document.querySelector('[data-widget-index="1"] td')).color);
          return background < 0.1 && text > 0.4;
        }
        """;
}
