using System.Globalization;
using System.Text.Json;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.MetricMath;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Dashboards;

/// <summary>How one line of a metric widget is drawn: the rendering properties of its entry in the metrics array.</summary>
/// <param name="YAxis"><c>left</c> or <c>right</c>.</param>
public sealed record MetricWidgetLine(string Id, string Label, string? Color, string YAxis, bool Visible);

/// <summary>
/// A dashboard metric widget's <c>properties</c>, read as CloudWatch reads them ("Dashboard Body Structure and
/// Syntax", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html,
/// "Properties of a Metric Widget Object" and "Metric Widget: Format for Each Metric in the Array"): each entry is
/// <c>[Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering properties}]</c> or
/// <c>[{"expression": ...}]</c>; <c>"."</c> repeats the value at the same position of the entry above and
/// <c>"..."</c> (first) repeats the entry above up to the values that follow; <c>stat</c> defaults to Average and
/// <c>period</c> to 300 seconds, each overridable per entry.
/// </summary>
public sealed class MetricWidget
{
    public const int DefaultPeriodSeconds = 300;

    /// <summary>At most this many points per line: a longer range gets a longer period, as the console coarsens it.</summary>
    public const int MaxPointsPerLine = 1440;

    private MetricWidget(IReadOnlyList<MetricDataQuery> queries, IReadOnlyList<MetricWidgetLine> lines, int periodSeconds)
    {
        Queries = queries;
        Lines = lines;
        PeriodSeconds = periodSeconds;
    }

    /// <summary>The GetMetricData queries, ids given or assigned (m1, m2, ... and e1, e2, ... as the console assigns them).</summary>
    public IReadOnlyList<MetricDataQuery> Queries { get; }

    /// <summary>One per query, in the order of the metrics array.</summary>
    public IReadOnlyList<MetricWidgetLine> Lines { get; }

    public int PeriodSeconds { get; }

    /// <exception cref="InvalidDashboardException">The properties are not a metric widget CloudWatch would accept.</exception>
    public static MetricWidget Parse(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDashboardException("A metric widget's properties must be an object.");
        }

        var widgetStat = Statistic(properties, "stat") ?? Metrics.Statistic.Average;
        var period = Int(properties, "period") ?? DefaultPeriodSeconds;
        ValidatePeriod(period);
        if (!properties.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() is 0 or > 100)
        {
            throw new InvalidDashboardException("A metric widget needs a metrics array of 1 to 100 entries.");
        }

        var queries = new List<MetricDataQuery>();
        var lines = new List<MetricWidgetLine>();
        List<string>? previous = null;
        int metricCount = 0, expressionCount = 0;
        foreach (var entry in metrics.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDashboardException($"Entry {queries.Count + 1} of metrics is not an array.");
            }

            var items = entry.EnumerateArray().ToList();
            var options = items.Count > 0 && items[^1].ValueKind == JsonValueKind.Object ? items[^1] : default;
            var values = options.ValueKind == JsonValueKind.Object ? items[..^1] : items;
            var label = String(options, "label");
            var id = String(options, "id");
            var line = (string assigned, string defaultLabel) => new MetricWidgetLine(
                assigned, label ?? defaultLabel, String(options, "color"), String(options, "yAxis") == "right" ? "right" : "left", Bool(options, "visible") ?? true);

            if (String(options, "expression") is { } expression)
            {
                id ??= "e" + (++expressionCount).ToString(CultureInfo.InvariantCulture);
                try
                {
                    queries.Add(new MetricDataQuery(id, null, null, null, MetricMathExpression.Parse(expression), Bool(options, "visible") ?? true, label));
                }
                catch (InvalidMetricMathException e)
                {
                    throw new InvalidDashboardException($"Expression '{id}': {e.Message}");
                }

                lines.Add(line(id, expression));
                continue;
            }

            var names = Expand(values, previous, queries.Count + 1);
            previous = names;
            if (names.Count < 2 || names.Count % 2 != 0)
            {
                throw new InvalidDashboardException($"Entry {queries.Count + 1} of metrics must be [Namespace, MetricName, DimensionName, DimensionValue, ...].");
            }

            var dimensions = new List<KeyValuePair<string, string>>();
            for (var i = 2; i < names.Count; i += 2)
            {
                dimensions.Add(new(names[i], names[i + 1]));
            }

            id ??= "m" + (++metricCount).ToString(CultureInfo.InvariantCulture);
            var ownPeriod = Int(options, "period");
            if (ownPeriod is { } p)
            {
                ValidatePeriod(p);
            }

            queries.Add(new MetricDataQuery(id, new MetricKey(names[0], names[1], dimensions), Statistic(options, "stat") ?? widgetStat, ownPeriod, null, Bool(options, "visible") ?? true, label));
            lines.Add(line(id, names[1]));
        }

        var duplicate = queries.GroupBy(q => q.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDashboardException($"Two entries of metrics have the id '{duplicate.Key}'.");
        }

        return new MetricWidget(queries, lines, period);
    }

    /// <summary>The period to draw <paramref name="range"/> with: the widget's, or a longer one so no line exceeds <see cref="MaxPointsPerLine"/> points.</summary>
    public int PeriodFor(TimeSpan range)
    {
        var seconds = (long)Math.Ceiling(range.TotalSeconds);
        if (seconds <= (long)PeriodSeconds * MaxPointsPerLine)
        {
            return PeriodSeconds;
        }

        // Whole minutes, as every coarsened console period is.
        var needed = (seconds + MaxPointsPerLine - 1) / MaxPointsPerLine;
        return (int)((needed + 59) / 60 * 60);
    }

    // "." repeats the value above at the same position; "..." repeats the entry above, but for the values after it.
    private static List<string> Expand(List<JsonElement> values, List<string>? previous, int entry)
    {
        var texts = values.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new InvalidDashboardException($"Entry {entry} of metrics has a value that is not a string: {v.GetRawText()}.")).ToList();
        if (texts.Count > 0 && texts[0] == "...")
        {
            var rest = texts[1..];
            var kept = previous ?? throw new InvalidDashboardException($"Entry {entry} of metrics starts with \"...\" but no metric entry is above it.");
            if (rest.Count > kept.Count)
            {
                throw new InvalidDashboardException($"Entry {entry} of metrics repeats \"...\" with more values than the entry above has.");
            }

            return [.. kept.Take(kept.Count - rest.Count), .. rest];
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] == ".")
            {
                texts[i] = previous is not null && i < previous.Count ? previous[i]
                    : throw new InvalidDashboardException($"Entry {entry} of metrics has \".\" at position {i + 1}, where the entry above has no value.");
            }
        }

        return texts;
    }

    // CloudWatch dashboards take 1, 5, 10, 30 (high resolution) or a multiple of 60 seconds.
    private static void ValidatePeriod(int period)
    {
        if (period is not (1 or 5 or 10 or 30) && (period <= 0 || period % 60 != 0))
        {
            throw new InvalidDashboardException($"Period {period} is not 1, 5, 10, 30 or a multiple of 60 seconds.");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
                : throw new InvalidDashboardException($"'{name}' must be a whole number, not {value.GetRawText()}.")
            : null;

    private static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : null;

    private static Statistic? Statistic(JsonElement element, string name)
    {
        if (String(element, name) is not { } text)
        {
            return null;
        }

        try
        {
            return Metrics.Statistic.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InvalidDashboardException(e.Message, e);
        }
    }
}
