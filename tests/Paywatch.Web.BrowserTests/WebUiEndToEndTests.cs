using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paywatch.Monitoring.Alarms;

namespace Paywatch.Web.BrowserTests;

/// <summary>
/// The web UI in headless Chromium against a running twin: after generated traffic every widget of config/'s
/// dashboard draws data, an error burst turns Processing Health to ALARM on the open page without a reload, the
/// traces page draws the service map and a transaction's waterfall, and the events and DLQ pages list what happened,
/// the DLQ's failed batches redriven from the page. Screenshots of each page are saved (ChromiumBrowser.ScreenshotFolder).
/// </summary>
public sealed partial class WebUiEndToEndTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private const string ProcessingHealth = "paywatch-processing-health-local";

    /// <summary>12:00:00 on the twin's clock: the alarm scheduler evaluates on every minute after it.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan UiWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_traffic_and_an_error_burst_every_page_shows_what_happened()
    {
        await using var twin = await TwinWithTraffic.StartAsync(Noon);
        // The first minute spread over the five shards with reserved concurrency 1, one invocation held until another is
        // throttled: the Throttles widget has data, and those records wait. One such minute stays under the throttles and latency
        // alarms' 2 and 3 breaching minutes of 5, so Processing Health and System Capacity go to OK.
        await twin.SendMinuteAsync(40, spread: true);
        await twin.NextMinuteAsync();
        for (var minute = 1; minute < 5; minute++)
        {
            await twin.SendMinuteAsync(40);
            await twin.NextMinuteAsync();
        }

        Assert.True(twin.Twin.Function.Throttles > 0, "no invocation was throttled; the Throttles widget would have no data");
        await AdvanceUntilAsync(twin, ProcessingHealth, AlarmState.Ok, TimeSpan.FromMinutes(2));

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1100 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/dashboard?range=15m").ToString());

        // All ten widgets of config/dashboard, each drawn with data.
        var widgets = page.Locator("[data-widget-index]");
        await Assertions.Expect(widgets).ToHaveCountAsync(10, new() { Timeout = (float)UiWait.TotalMilliseconds });
        for (var i = 0; i < 10; i++)
        {
            var widget = page.Locator($"[data-widget-index='{i}']");
            await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = (float)UiWait.TotalMilliseconds });
            if (await widget.GetAttributeAsync("data-widget-type") == "metric")
            {
                var points = int.Parse(await widget.GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(points > 0, $"widget {i} ({await widget.InnerTextAsync()}) drew no datapoints");
            }
        }

        // The time range picker: another range redraws every widget, the range in the address.
        await page.Locator("[data-range='1h']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-range='1h']")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Contains("range=1h", new Uri(page.Url).Fragment, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-widget-index][data-state='ready']")).ToHaveCountAsync(10, new() { Timeout = (float)UiWait.TotalMilliseconds });
        await page.Locator("[data-range='15m']").ClickAsync();

        var health = page.Locator($"[data-alarm-name='{ProcessingHealth}']");
        await Assertions.Expect(health).ToHaveAttributeAsync("data-alarm-state", "OK", new() { Timeout = (float)UiWait.TotalMilliseconds });
        await ScreenshotAsync(page, "dashboard");

        // The error burst: three minutes of failing invocations; the page is left open and refreshes itself.
        twin.Failing = true;
        for (var minute = 0; minute < 3; minute++)
        {
            await twin.SendMinuteAsync(20);
            await twin.NextMinuteAsync();
        }

        await AdvanceUntilAsync(twin, ProcessingHealth, AlarmState.Alarm, TimeSpan.FromMinutes(5));
        await Assertions.Expect(health).ToHaveAttributeAsync("data-alarm-state", "ALARM", new() { Timeout = (float)UiWait.TotalMilliseconds });
        await ScreenshotAsync(page, "dashboard-alarm");

        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/alarms").ToString());
        await Assertions.Expect(page.Locator($"[data-alarm-name='{ProcessingHealth}']").First).ToHaveAttributeAsync("data-alarm-state", "ALARM", new() { Timeout = (float)UiWait.TotalMilliseconds });
        await Assertions.Expect(page.Locator(".rule-tree").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-rule-leaf='paywatch-error-rate-local']").First).ToBeVisibleAsync();
        await AssertNoCardNumberAsync(page);
        await ScreenshotAsync(page, "alarms");

        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/traces").ToString());
        await Assertions.Expect(page.Locator("#service-map")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = (float)UiWait.TotalMilliseconds });
        foreach (var node in new[] { "kinesis", "processor", "eventbridge", "sns", "sqs" })
        {
            await Assertions.Expect(page.Locator($"#service-map [data-node='{node}']")).ToBeVisibleAsync();
        }

        var trace = page.Locator("[data-trace-id]").First;
        await Assertions.Expect(trace).ToBeVisibleAsync(new() { Timeout = (float)UiWait.TotalMilliseconds });
        await trace.ClickAsync();
        await Assertions.Expect(page.Locator("#waterfall")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = (float)UiWait.TotalMilliseconds });
        // The transaction, its validation, processing and routing, and the batch above it.
        var bars = await page.Locator("#waterfall [data-span-id]").CountAsync();
        Assert.True(bars >= 5, $"the waterfall drew {bars} spans");
        await AssertNoCardNumberAsync(page);
        await ScreenshotAsync(page, "traces");

        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/events").ToString());
        await Assertions.Expect(page.Locator("[data-event-id]").First).ToBeVisibleAsync(new() { Timeout = (float)UiWait.TotalMilliseconds });
        await AssertNoCardNumberAsync(page);
        await ScreenshotAsync(page, "events");

        // The burst's failed batches wait in the DLQ; with the processor back, the page redrives them.
        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/dlq").ToString());
        await Assertions.Expect(page.Locator("[data-message-id]").First).ToBeVisibleAsync(new() { Timeout = (float)UiWait.TotalMilliseconds });
        await ScreenshotAsync(page, "dlq");
        var waiting = twin.Twin.DeadLetterQueue.Count;
        Assert.True(waiting > 0, "the error burst left no failed batch in the DLQ");
        twin.Failing = false;
        var completed = twin.Twin.Mapping.RecordsCompleted;
        await page.Locator("#redrive-all").ClickAsync();
        await page.Locator("[data-confirm]").ClickAsync();
        await Assertions.Expect(page.Locator("#redrive-result")).ToBeVisibleAsync(new() { Timeout = (float)UiWait.TotalMilliseconds });
        Assert.Equal(0, twin.Twin.DeadLetterQueue.Count);
        await twin.Clock.AdvanceUntilAsync(() => twin.Twin.Mapping.RecordsCompleted > completed, TimeSpan.FromMinutes(1), "the redriven records processed");
        await AssertNoCardNumberAsync(page);

        Assert.Empty(errors);
    }

    /// <summary>Moves the clock until <paramref name="alarm"/> is in <paramref name="state"/>; a failure lists every alarm's state and reason.</summary>
    private static async Task AdvanceUntilAsync(TwinWithTraffic twin, string alarm, AlarmState state, TimeSpan bound)
    {
        var alarms = twin.Twin.Alarms;
        try
        {
            await twin.Clock.AdvanceUntilAsync(() => alarms.DescribeAlarms().Single(a => a.AlarmName == alarm).StateValue == state, bound, $"{alarm} in {state}");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + Environment.NewLine + string.Join(Environment.NewLine, alarms.DescribeAlarms().Select(a => $"  {a.AlarmName}: {a.StateValue} ({a.StateReason})")));
        }
    }

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumBrowser.ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>
    /// No card number in the page: not the one the traffic carried (anywhere in its HTML), and no number of 13–19 digits
    /// standing alone in its text that passes Luhn's check (ids, which mix in letters, are not numbers).
    /// </summary>
    private static async Task AssertNoCardNumberAsync(IPage page)
    {
        Assert.DoesNotContain(TwinWithTraffic.Pan, await page.ContentAsync(), StringComparison.Ordinal);
        var text = await page.Locator("body").InnerTextAsync();
        var card = DigitRun().Matches(text).Select(m => m.Value).FirstOrDefault(Luhn);
        Assert.True(card is null, $"the page shows a number that passes Luhn's check: {card}");
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])")]
    private static partial Regex DigitRun();
}
