using System.Text.Json;
using Microsoft.Playwright;

namespace Paywatch.Web.BrowserTests;

/// <summary>
/// A fresh run's dashboard, opened one minute in: it opens on the run (not the body's three hours, where a minute
/// is a sliver at the right edge), every metric widget with data draws it across more than half its chart, and the
/// minute still open is drawn apart (dashed, "period in progress") rather than as a drop in traffic.
/// </summary>
public sealed class FreshRunTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly LocatorAssertionsToHaveAttributeOptions Wait = new() { Timeout = 20_000 };

    /// <summary>
    /// The metric widget of config/dashboard that a healthy run without throttling has no datapoints for: Lambda
    /// throttles (the traffic goes under one partition key, so one lane takes it, unthrottled). It must say so,
    /// truthfully, rather than draw. (The DLQ's depth is 0 from the start, as SQS reports an empty queue.)
    /// </summary>
    private static readonly string[] QuietWidgets = ["Lambda throttles"];

    [Fact]
    public async Task One_minute_into_a_fresh_run_each_metric_widget_draws_across_more_than_half_its_chart()
    {
        await using var twin = await TwinWithTraffic.StartAsync(Noon);
        // The run's first minute, then the next one under way: at 12:01:10 the twin is a minute and ten seconds old.
        await twin.SendMinuteAsync(60);
        await twin.NextMinuteAsync();
        await twin.SendMinuteAsync(20);

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1100 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(twin.Url, "/?refresh=1#/dashboard").ToString());

        // It opens on the run, and says so in the picker.
        await Assertions.Expect(page.Locator("[data-range='run']")).ToHaveAttributeAsync("aria-pressed", "true", Wait);

        var widgets = page.Locator("[data-widget-type='metric']");
        await Assertions.Expect(widgets).ToHaveCountAsync(9, new() { Timeout = 20_000 });
        for (var i = 0; i < 9; i++)
        {
            var widget = widgets.Nth(i);
            await Assertions.Expect(widget).Not.ToHaveAttributeAsync("data-state", "loading", Wait);
            var title = (await widget.Locator(".widget-title").InnerTextAsync()).Trim();
            if (QuietWidgets.Contains(title))
            {
                await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "empty", Wait);
                await Assertions.Expect(widget).ToContainTextAsync("in this range");
                continue;
            }

            await Assertions.Expect(widget).ToHaveAttributeAsync("data-state", "ready", Wait);
            var drawn = await DrawnSpanAsync(widget);
            Assert.True(drawn.Colors > 0, $"\"{title}\" has no series in its legend");
            Assert.True(drawn.Fraction > 0.5, $"\"{title}\" draws its data across {drawn.Fraction:P0} of its chart ({drawn})");
        }

        // The minute under way (12:01, ten seconds of it) is drawn dashed and named in the legend, not drawn as a drop.
        var volume = page.Locator("[data-widget-index='0']");
        await Assertions.Expect(volume.Locator(".legend-item.open-period")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumBrowser.ScreenshotFolder, "dashboard-one-minute.png"), FullPage = true });
        Assert.Empty(errors);
    }

    /// <summary>
    /// How far across its plotting area a chart's series are drawn: the first and last pixel columns of the canvas
    /// that hold a pixel of a series' colour (its legend swatch), as a fraction of the area's width. Grid lines,
    /// axes and annotations are in other colours.
    /// </summary>
    private static async Task<DrawnSpan> DrawnSpanAsync(ILocator widget)
    {
        var json = await widget.EvaluateAsync<JsonElement>("""
            element => {
              const canvas = element.querySelector('canvas');
              const over = element.querySelector('.u-over');
              if (!canvas || !over) return { first: -1, last: -1, width: 0, colors: 0 };
              const c = canvas.getBoundingClientRect();
              const o = over.getBoundingClientRect();
              const scale = canvas.width / c.width;
              const x0 = Math.round((o.left - c.left) * scale), y0 = Math.round((o.top - c.top) * scale);
              const width = Math.round(o.width * scale), height = Math.round(o.height * scale);
              const pixels = canvas.getContext('2d').getImageData(x0, y0, width, height).data;
              const colors = [...element.querySelectorAll('.chart-legend .legend-item:not(.annotation):not(.open-period) .swatch')]
                .map(s => getComputedStyle(s).backgroundColor.match(/\d+/g).slice(0, 3).map(Number));
              const isSeries = i => pixels[i + 3] > 128 && colors.some(([r, g, b]) => Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 60);
              let first = -1, last = -1;
              for (let x = 0; x < width; x++) {
                for (let y = 0; y < height; y++) {
                  if (isSeries((y * width + x) * 4)) { if (first < 0) first = x; last = x; break; }
                }
              }
              return { first, last, width, colors: colors.length };
            }
            """);
        return new DrawnSpan(json.GetProperty("first").GetInt32(), json.GetProperty("last").GetInt32(), json.GetProperty("width").GetInt32(), json.GetProperty("colors").GetInt32());
    }

    private sealed record DrawnSpan(int First, int Last, int Width, int Colors)
    {
        public double Fraction => First < 0 || Width == 0 ? 0 : (double)(Last - First) / Width;
    }
}
