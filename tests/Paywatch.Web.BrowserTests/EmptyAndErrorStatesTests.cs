using Microsoft.Playwright;

namespace Paywatch.Web.BrowserTests;

/// <summary>
/// Before any traffic every view says it has nothing yet and how to get something; when the twin stops answering
/// the page says so, keeps what it showed, and recovers nothing silently.
/// </summary>
public sealed class EmptyAndErrorStatesTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly LocatorAssertionsToHaveAttributeOptions Wait = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_twin_without_traffic_shows_empty_states_that_say_how_to_send_some()
    {
        await using var twin = await TwinWithTraffic.StartAsync(Noon);
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/dashboard").ToString());

        // The seven metric widgets of traffic have no datapoint. Two are measured from the start, traffic or not: the
        // iterator age (the mapping's first GetRecords, 0 ms behind) and the DLQ's depth (0, as SQS reports an empty
        // queue's). The alarm widget lists its composites all the same.
        for (var i = 0; i < 7; i++)
        {
            await Assertions.Expect(page.Locator($"[data-widget-index='{i}']")).ToHaveAttributeAsync("data-state", "empty", Wait);
        }

        await Assertions.Expect(page.Locator("[data-widget-index='7']")).ToHaveAttributeAsync("data-state", "ready", Wait);
        await Assertions.Expect(page.Locator("[data-widget-index='8']")).ToHaveAttributeAsync("data-state", "ready", Wait);
        await Assertions.Expect(page.Locator("[data-widget-index='9']")).ToHaveAttributeAsync("data-state", "ready", Wait);
        await Assertions.Expect(page.Locator("[data-widget-index='0']")).ToContainTextAsync("paywatch send");

        foreach (var (route, view) in new[] { ("traces", "#service-map"), ("traces", "#trace-list"), ("events", "#events"), ("dlq", "#dlq-messages") })
        {
            await page.GotoAsync(new Uri(twin.Url, $"/?refresh=1#/{route}").ToString());
            await Assertions.Expect(page.Locator(view)).ToHaveAttributeAsync("data-state", "empty", Wait);
            Assert.False(string.IsNullOrWhiteSpace(await page.Locator(view).InnerTextAsync()), $"{route} {view} is empty without saying so");
        }
    }

    [Fact]
    public async Task When_the_twin_stops_the_page_says_it_is_not_answering_and_keeps_its_data_marked_stale()
    {
        // Disposed twice when the test passes (stopping it is the test), which is harmless; once when it fails early.
        await using var twin = await TwinWithTraffic.StartAsync(Noon);
        await twin.SendMinuteAsync(20);
        await twin.NextMinuteAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/alarms").ToString());
        await Assertions.Expect(page.Locator("#alarms")).ToHaveAttributeAsync("data-state", "ready", Wait);

        await twin.DisposeAsync();

        await Assertions.Expect(page.Locator("[data-testid='status-banner']")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid='status-banner']")).ToContainTextAsync("not answering");
        var alarms = page.Locator("#alarms");
        await Assertions.Expect(alarms).ToHaveAttributeAsync("data-state", "error", Wait);
        await Assertions.Expect(alarms).ToContainTextAsync("stale");
        // The last answer is still on screen.
        await Assertions.Expect(alarms.Locator("[data-alarm-name='paywatch-processing-health-local']").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumBrowser.ScreenshotFolder, "twin-stopped.png"), FullPage = true });
    }
}
