using System.Globalization;
using System.Text;

namespace Paywatch.Local.Notifications;

/// <summary>
/// Notifications on a console (the terminal running <c>paywatch up</c>): one short line each while they are few; once
/// more than <see cref="LinesPerSecond"/> arrive within a second, the rest of that second and every later one are
/// counted instead, and one line per <c>interval</c> says how many each rule (or alarm) produced and what the last one
/// was. Lines resume once an interval passes under the limit. Plain lines only, no cursor movement, so it reads the
/// same on a terminal and in a redirected file (where a longer interval keeps the file short). Every notification
/// still reaches the other subscriptions, <c>notifications.jsonl</c> among them.
/// </summary>
public sealed class ConsoleSubscription : ITopicSubscription, IDisposable
{
    /// <summary>Notifications printed one a line in any one second before the console turns to counts.</summary>
    public const int LinesPerSecond = 5;

    private const int MaxLastLength = 120;

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    // Counts of the interval under way, by origin, in order of first appearance.
    private readonly List<(string Origin, int Count)> _counts = [];
    private DateTimeOffset _secondStarted;
    private int _linesThisSecond;
    private bool _quiet;
    private int _countedThisInterval;
    private TopicNotification? _last;

    /// <param name="output">Where lines go (stderr in <c>paywatch up</c>).</param>
    /// <param name="timeProvider">The clock of the one-second rate and of the summary lines; the system's by default.</param>
    /// <param name="interval">How often a summary line is written while notifications are many: a second on a terminal, longer when redirected.</param>
    public ConsoleSubscription(TextWriter output, TimeProvider? timeProvider = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _time = timeProvider ?? TimeProvider.System;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _secondStarted = _time.GetUtcNow();
        _timer = _time.CreateTimer(_ => Summarize(), null, _interval, _interval);
    }

    public string Protocol => "console";

    public string Endpoint => "console";

    /// <summary>A console write does not fail in a way a retry would mend.</summary>
    public DeliveryPolicy DeliveryPolicy => DeliveryPolicy.None;

    public Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string? line = null;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now - _secondStarted >= TimeSpan.FromSeconds(1))
            {
                (_secondStarted, _linesThisSecond) = (now, 0);
            }

            if (!_quiet && _linesThisSecond < LinesPerSecond)
            {
                _linesThisSecond++;
                line = $"[{Time(notification)}] {TopicName(notification.TopicArn)}: {FirstLine(notification)}";
            }
            else
            {
                _quiet = true;
                Count(notification);
            }
        }

        if (line is not null)
        {
            Write(line);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer.Dispose();
        Summarize();
    }

    private void Count(TopicNotification notification)
    {
        var origin = notification.Origin ?? "other";
        var index = _counts.FindIndex(c => c.Origin == origin);
        if (index < 0)
        {
            _counts.Add((origin, 1));
        }
        else
        {
            _counts[index] = (origin, _counts[index].Count + 1);
        }

        _countedThisInterval++;
        _last = notification;
    }

    private void Summarize()
    {
        string? line = null;
        lock (_lock)
        {
            if (_countedThisInterval > 0)
            {
                var text = new StringBuilder();
                text.Append(CultureInfo.InvariantCulture, $"[{Time(_last!)}] alerts in the last {Seconds(_interval)}: ");
                text.AppendJoin(", ", _counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Origin} {c.Count}")));
                var last = FirstLine(_last!);
                text.Append(" | last: ").Append(last.Length <= MaxLastLength ? last : string.Concat(last.AsSpan(0, MaxLastLength - 1), "…"));
                line = text.ToString();
            }

            // Quiet while the interval held more than a line a second's allowance; lines again once it did not.
            _quiet = _countedThisInterval > 0;
            _counts.Clear();
            _countedThisInterval = 0;
            _linesThisSecond = 0;
            _secondStarted = _time.GetUtcNow();
        }

        if (line is not null)
        {
            Write(line);
        }
    }

    private void Write(string line)
    {
        // One writer at a time: delivery and the summary timer run on different threads.
        lock (_output)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    private static string Seconds(TimeSpan interval) => interval == TimeSpan.FromSeconds(1)
        ? "1s"
        : string.Create(CultureInfo.InvariantCulture, $"{interval.TotalSeconds:0.#}s");

    private static string Time(TopicNotification notification) =>
        notification.Timestamp.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string TopicName(string arn) => arn[(arn.LastIndexOf(':') + 1)..];

    // Alarm messages are JSON documents: the subject says all a person needs on one line.
    private static string FirstLine(TopicNotification notification)
    {
        var text = notification.Subject ?? notification.Message;
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
