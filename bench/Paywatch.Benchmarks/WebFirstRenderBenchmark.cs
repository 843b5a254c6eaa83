using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Paywatch.Aws.TestSupport;
using Paywatch.Local;
using Paywatch.Local.Streams;
using Paywatch.Traffic;
using Paywatch.Web;

namespace Paywatch.Benchmarks;

/// <summary>
/// The web UI's dashboard as an operator opens it: a running twin fed 200 transactions a second, and headless
/// Chromium (Debian's, driven by Playwright) loading the page in a fresh context each run (a cold cache). Measured in
/// the page: from navigation start to the mark the dashboard sets when each of its ten widgets has drawn its data
/// (<c>paywatch:first-render</c>), and the bytes of scripts and styles it loaded (decoded, and as sent gzipped).
/// </summary>
internal static class WebFirstRenderBenchmark
{
    private const int TransactionsPerSecond = 200;

    public static async Task RunAsync(int runs)
    {
        var data = Directory.CreateTempSubdirectory("paywatch-bench-web-").FullName;
        var config = Path.Combine(Repository.Root, "config");
        using var stop = new CancellationTokenSource();
        try
        {
            await using var twin = await LocalTwin.StartAsync(
                new LocalTwinSettings { DataDirectory = data, Port = 0 }, config, [], TimeProvider.System, routes: (app, t) => WebUi.Map(app, t, config));
            var traffic = FeedAsync(twin, stop.Token);
            // A minute of data, so that every chart has points to draw.
            await Task.Delay(TimeSpan.FromSeconds(65));

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("PAYWATCH_CHROMIUM") ?? "/usr/bin/chromium",
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var times = new List<double>();
            Weight? weight = null;
            for (var run = 0; run <= runs; run++)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1100 } });
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(twin.Api.Url, "/#/dashboard").ToString());
                await page.WaitForFunctionAsync("document.documentElement.dataset.firstRender === 'done'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
                var measured = JsonSerializer.Deserialize<JsonElement>(await page.EvaluateAsync<string>(MeasureScript));
                // The first run warms the twin's endpoints (JIT) and the browser: reported apart, not in the median.
                var firstRender = measured.GetProperty("firstRender").GetDouble();
                if (run == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up run: first render {firstRender:F0} ms"));
                    continue;
                }

                times.Add(firstRender);
                weight = new Weight(
                    measured.GetProperty("scriptDecoded").GetInt64(), measured.GetProperty("scriptTransferred").GetInt64(),
                    measured.GetProperty("styleDecoded").GetInt64(), measured.GetProperty("styleTransferred").GetInt64());
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first render over {runs} cold loads: median {times[times.Count / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scripts {weight!.ScriptDecoded / 1024.0:F1} KB ({weight.ScriptTransferred / 1024.0:F1} KB gzipped), styles {weight.StyleDecoded / 1024.0:F1} KB ({weight.StyleTransferred / 1024.0:F1} KB gzipped)"));
            await stop.CancelAsync();
            await traffic;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    // Resource Timing: encodedBodySize is what came over the wire (gzip), decodedBodySize what the browser parsed.
    private const string MeasureScript = """
        () => {
          const mark = performance.getEntriesByName('paywatch:first-render')[0];
          const resources = performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'));
          const sum = (ext, key) => resources.filter(r => r.name.split('?')[0].endsWith(ext)).reduce((n, r) => n + r[key], 0);
          return JSON.stringify({
            firstRender: mark.startTime,
            scriptDecoded: sum('.js', 'decodedBodySize'), scriptTransferred: sum('.js', 'encodedBodySize'),
            styleDecoded: sum('.css', 'decodedBodySize'), styleTransferred: sum('.css', 'encodedBodySize'),
          });
        }
        """;

    private static async Task FeedAsync(LocalTwin twin, CancellationToken cancellationToken)
    {
        var generator = new TrafficGenerator(seed: 21, start: DateTimeOffset.UtcNow);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await twin.Stream.PutRecordsAsync([.. generator.Generate(TransactionsPerSecond).Select(t => new PutRecordEntry(t.PartitionKey, t.Utf8Json))], cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The benchmark is over.
        }
    }

    private sealed record Weight(long ScriptDecoded, long ScriptTransferred, long StyleDecoded, long StyleTransferred);
}
