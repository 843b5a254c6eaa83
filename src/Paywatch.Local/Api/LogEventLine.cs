using System.Globalization;
using System.Text.Json;

namespace Paywatch.Local.Api;

/// <summary>
/// A line of the log store as a CloudWatch Logs event: its position (the event id and the paging tokens), its time
/// and the line itself as the message. The time is the line's <c>time</c> (the processor's log lines), else its
/// <c>timestamp</c> when that is ISO 8601, else an EMF document's <c>_aws.Timestamp</c>, else the time of the line
/// before it: the log store keeps no ingestion time of its own.
/// </summary>
internal readonly record struct LogEventLine(long Index, long Timestamp, string Message)
{
    /// <summary>The log store's lines as events, in order.</summary>
    public static IEnumerable<LogEventLine> Read(IEnumerable<string> lines)
    {
        long index = 0;
        long previous = 0;
        foreach (var line in lines)
        {
            previous = TimeOf(line) ?? previous;
            yield return new LogEventLine(index++, previous, line);
        }
    }

    /// <summary>A 56-digit event id, as CloudWatch Logs' ids look, from the line's position.</summary>
    public string EventId => Index.ToString("D56", CultureInfo.InvariantCulture);

    private static long? TimeOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (string[])["time", "timestamp"])
            {
                if (root.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    return time.ToUnixTimeMilliseconds();
                }
            }

            return root.TryGetProperty("_aws", out var aws) && aws.ValueKind == JsonValueKind.Object
                && aws.TryGetProperty("Timestamp"u8, out var emf) && emf.TryGetInt64(out var milliseconds)
                ? milliseconds
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
