using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Paywatch.Cli.Tests;

/// <summary>
/// <c>paywatch up --demo</c> in a pseudo-terminal of 80 columns (a tmux session; tmux keeps the screen and its
/// scroll-back as a terminal shows them): alert lines land above the live summary and never through it, the summary is
/// drawn once at the bottom and fits the width, and no line on the screen is two lines spliced together.
/// </summary>
public sealed partial class UpTerminalTests : IDisposable
{
    private const int Columns = 80;
    private readonly string _data = Directory.CreateTempSubdirectory("paywatch-up-tty-").FullName;
    private readonly string _socket = "paywatch-test-" + Guid.NewGuid().ToString("N");

    // The six lines of the summary, as TwinSummary draws them, each cut to the width.
    private static readonly Regex[] SummaryLines =
    [
        FirstSummaryLine(),
        new("^  routed     "),
        new("^  DLQ        "),
        new("^  notified   "),
        new("^  alarms     "),
        new("^  on AWS     "),
    ];

    public void Dispose()
    {
        Tmux("kill-server");
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Alerts_print_above_the_summary_which_fits_80_columns_and_nothing_is_spliced()
    {
        var paywatch = Path.Combine(AppContext.BaseDirectory, "paywatch.dll");
        Tmux("-f", "/dev/null", "new-session", "-d", "-x", $"{Columns}", "-y", "40", "-s", "up",
            $"dotnet exec '{paywatch}' up --demo 200 --port 0 --data '{_data}' --alerts-per-window 10000; sleep 600");

        // Until the summary is on screen, then until more alert lines have come since: lines printed while it is drawn.
        var first = await WaitForAsync(screen => screen.Any(l => l.StartsWith("  on AWS", StringComparison.Ordinal)), "the summary");
        var alertsAtFirstDrawing = first.Count(IsAlert);
        var screen = await WaitForAsync(s => s.Count(IsAlert) >= alertsAtFirstDrawing + 5 && s.Any(l => l.StartsWith("  on AWS", StringComparison.Ordinal)), "five more alert lines");
        Tmux("send-keys", "-t", "up", "C-c");

        var lines = screen.Where(l => l.Length > 0).ToList();
        var ready = lines.FindIndex(l => l.StartsWith("Ready. http://127.0.0.1:", StringComparison.Ordinal));
        Assert.True(ready > 0, "no Ready line:\n" + string.Join('\n', lines));
        // After the header: alert lines, then the summary, once, at the bottom.
        var summary = lines[^SummaryLines.Length..];
        for (var i = 0; i < SummaryLines.Length; i++)
        {
            Assert.Matches(SummaryLines[i], summary[i]);
            Assert.True(summary[i].Length <= Columns, $"summary line wider than the terminal: {summary[i]}");
        }

        var between = lines[(ready + 1)..^SummaryLines.Length];
        Assert.All(between, l => Assert.True(IsAlert(l) || l.StartsWith("paywatch up: ", StringComparison.Ordinal), $"a spliced or stray line: '{l}'\n\n{string.Join('\n', lines)}"));
        Assert.True(between.Count(IsAlert) >= 5);
        Assert.Equal(1, lines.Count(l => l.Contains("on AWS", StringComparison.Ordinal)));
        Assert.Equal(1, lines.Count(l => l.Contains("tx/s", StringComparison.Ordinal)));
    }

    // ConsoleSubscription's lines: "[HH:mm:ss] topic: first line", or its per-interval counts.
    private static bool IsAlert(string line) => AlertLine().IsMatch(line) && !line.Contains("tx/s", StringComparison.Ordinal) && !line.Contains("on AWS", StringComparison.Ordinal);

    private async Task<List<string>> WaitForAsync(Func<List<string>, bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        List<string> screen = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            // -J joins a line the terminal wrapped, so a wrapped line reads as one (and shows as longer than the width);
            // -S - from the start of the scroll-back.
            screen = [.. Tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "up").Split('\n').Select(l => l.TrimEnd())];
            if (done(screen))
            {
                return screen;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"no {what} within 2 minutes:\n{string.Join('\n', screen)}");
    }

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d +[\d,]+ tx/s   processed ")]
    private static partial Regex FirstSummaryLine();

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d\] ")]
    private static partial Regex AlertLine();
}
