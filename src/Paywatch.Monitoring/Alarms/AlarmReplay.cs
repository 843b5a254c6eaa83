namespace Paywatch.Monitoring.Alarms;

/// <summary>One evaluation of a replay: when, the state after it, and the alarm's state reason.</summary>
public sealed record AlarmReplayStep(DateTimeOffset Timestamp, AlarmState State, string Reason);

/// <summary>
/// Backtests an alarm definition against recorded data: the alarm is evaluated once per period, in order, as
/// CloudWatch evaluates it each period, and every evaluation is reported. The data is one value (the alarm's
/// statistic) per period, from a CSV export or computed from EMF documents through the <see cref="MetricStore"/>.
/// </summary>
public static class AlarmReplay
{
    public static IEnumerable<AlarmReplayStep> Run(
        MetricAlarmDefinition definition, IReadOnlyList<AlarmDatapoint?> periods, DateTimeOffset firstPeriod, AlarmState initialState)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(periods);
        var alarm = new MetricAlarm(definition, initialState);
        var length = AlarmEvaluation.RangeLength(definition.EvaluationPeriods);
        var period = TimeSpan.FromSeconds(definition.Period);
        for (var i = 0; i < periods.Count; i++)
        {
            // Periods before the data count as missing, as for a metric that had not reported yet.
            var range = Enumerable.Range(i - length + 1, length).Select(j => j < 0 ? null : periods[j]).ToList();
            var at = firstPeriod + (period * (i + 1));
            alarm.Evaluate(at, range);
            yield return new AlarmReplayStep(firstPeriod + (period * i), alarm.State, alarm.StateReason);
        }
    }

    /// <summary>
    /// Reads <c>timestamp,value</c> lines (an optional header; an empty value is a period without a datapoint;
    /// timestamps in RFC 3339 or Unix seconds or milliseconds). Periods between the rows are missing too.
    /// </summary>
    /// <exception cref="FormatException">A line that is not a timestamp and a number; the message gives its number.</exception>
    public static (DateTimeOffset FirstPeriod, IReadOnlyList<AlarmDatapoint?> Periods) ReadCsv(TextReader reader, int periodSeconds)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new SortedDictionary<long, double?>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length != 2)
            {
                throw new FormatException($"line {number}: expected 'timestamp,value'");
            }

            if (!TryParseTimestamp(parts[0].Trim(), out var timestamp))
            {
                if (number == 1)
                {
                    continue; // a header
                }

                throw new FormatException($"line {number}: '{parts[0]}' is not a timestamp (RFC 3339, or Unix seconds or milliseconds)");
            }

            double? value = null;
            if (parts[1].Trim() is { Length: > 0 } text)
            {
                value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                    ? v
                    : throw new FormatException($"line {number}: '{text}' is not a number");
            }

            var second = timestamp.ToUnixTimeSeconds();
            var period = second - (((second % periodSeconds) + periodSeconds) % periodSeconds);
            if (!values.TryAdd(period, value))
            {
                throw new FormatException($"line {number}: a second value for the period starting {DateTimeOffset.FromUnixTimeSeconds(period):O}");
            }
        }

        if (values.Count == 0)
        {
            throw new FormatException("no data");
        }

        var first = values.Keys.First();
        var periods = new List<AlarmDatapoint?>();
        for (var p = first; p <= values.Keys.Last(); p += periodSeconds)
        {
            periods.Add(values.GetValueOrDefault(p) is { } v ? new AlarmDatapoint(DateTimeOffset.FromUnixTimeSeconds(p), v, 1) : null);
        }

        return (DateTimeOffset.FromUnixTimeSeconds(first), periods);
    }

    private static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            timestamp = text.Length >= 13 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
    }
}
