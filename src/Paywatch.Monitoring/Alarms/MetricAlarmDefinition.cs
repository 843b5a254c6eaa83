using System.Text.Json;
using Paywatch.Monitoring.MetricMath;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Alarms;

/// <summary>One entry of a metric-math alarm's <c>Metrics</c>: a metric query (<c>MetricStat</c>) or an expression.</summary>
public sealed record MetricDataQuery(string Id, MetricKey? Metric, Statistic? Stat, int? Period, MetricMathExpression? Expression, bool ReturnData, string? Label);

/// <summary>
/// A metric alarm in the PutMetricAlarm input shape, validated as PutMetricAlarm validates it: either one metric
/// (<c>Namespace</c>, <c>MetricName</c>, <c>Dimensions</c>, <c>Statistic</c> or <c>ExtendedStatistic</c>,
/// <c>Period</c>) or <c>Metrics</c> (metric math, exactly one query with <c>ReturnData</c>).
/// </summary>
public sealed record MetricAlarmDefinition
{
    public required string AlarmName { get; init; }

    public string? AlarmDescription { get; init; }

    public AlarmActions Actions { get; init; } = AlarmActions.None;

    /// <summary>The single metric, for an alarm without <see cref="Metrics"/>.</summary>
    public MetricKey? Metric { get; init; }

    public Statistic? Statistic { get; init; }

    /// <summary>The period in seconds (10, 20, 30 or a multiple of 60).</summary>
    public int Period { get; init; }

    public IReadOnlyList<MetricDataQuery> Metrics { get; init; } = [];

    public required int EvaluationPeriods { get; init; }

    public required int DatapointsToAlarm { get; init; }

    public required double Threshold { get; init; }

    public required ComparisonOperator ComparisonOperator { get; init; }

    public MissingDataTreatment TreatMissingData { get; init; } = MissingDataTreatment.Missing;

    /// <summary><c>EvaluateLowSampleCountPercentile</c> = <c>ignore</c>: keep the state while a percentile has too few samples.</summary>
    public bool IgnoreLowSampleCountPercentile { get; init; }

    /// <exception cref="InvalidAlarmDefinitionException">The definition is invalid; the message names the field.</exception>
    public static MetricAlarmDefinition Parse(string json)
    {
        using var document = AlarmJson.ParseObject(json);
        var root = document.RootElement;
        var name = AlarmJson.RequiredString(root, "AlarmName");
        var evaluationPeriods = AlarmJson.Int(root, "EvaluationPeriods", name) ?? throw Invalid(name, "EvaluationPeriods is required.");
        var datapointsToAlarm = AlarmJson.Int(root, "DatapointsToAlarm", name) ?? evaluationPeriods;
        if (evaluationPeriods < 1 || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)
        {
            throw Invalid(name, "EvaluationPeriods must be at least 1, and DatapointsToAlarm between 1 and EvaluationPeriods.");
        }

        var comparison = AlarmJson.RequiredString(root, "ComparisonOperator", name);
        if (!Enum.TryParse<ComparisonOperator>(comparison, out var comparisonOperator) || !Enum.IsDefined(comparisonOperator))
        {
            throw Invalid(name, $"ComparisonOperator '{comparison}' is not supported: use {string.Join(", ", Enum.GetNames<ComparisonOperator>())}.");
        }

        var threshold = root.TryGetProperty(nameof(Threshold), out var t) && t.TryGetDouble(out var value)
            ? value
            : throw Invalid(name, "Threshold (a number) is required.");
        var treatment = AlarmJson.String(root, "TreatMissingData", name) switch
        {
            null or "missing" => MissingDataTreatment.Missing,
            "ignore" => MissingDataTreatment.Ignore,
            "breaching" => MissingDataTreatment.Breaching,
            "notBreaching" => MissingDataTreatment.NotBreaching,
            var other => throw Invalid(name, $"TreatMissingData '{other}' must be missing, ignore, breaching or notBreaching."),
        };

        var definition = new MetricAlarmDefinition
        {
            AlarmName = name,
            AlarmDescription = AlarmJson.String(root, "AlarmDescription", name),
            Actions = AlarmActions.Read(root, name),
            EvaluationPeriods = evaluationPeriods,
            DatapointsToAlarm = datapointsToAlarm,
            Threshold = threshold,
            ComparisonOperator = comparisonOperator,
            TreatMissingData = treatment,
            IgnoreLowSampleCountPercentile = AlarmJson.String(root, "EvaluateLowSampleCountPercentile", name) == "ignore",
        };

        return root.TryGetProperty(nameof(Metrics), out var metrics) ? WithMetrics(definition, metrics) : WithMetric(definition, root);
    }

    private static MetricAlarmDefinition WithMetric(MetricAlarmDefinition definition, JsonElement root)
    {
        var name = definition.AlarmName;
        var statistic = AlarmJson.String(root, "Statistic", name);
        var extended = AlarmJson.String(root, "ExtendedStatistic", name);
        if ((statistic is null) == (extended is null))
        {
            throw Invalid(name, "give exactly one of Statistic and ExtendedStatistic.");
        }

        if (statistic is not null && Paywatch.Monitoring.Metrics.Statistic.Parse(statistic).Percentile is not null)
        {
            throw Invalid(name, $"Statistic '{statistic}' is a percentile: use ExtendedStatistic.");
        }

        var period = AlarmJson.Int(root, "Period", name) ?? throw Invalid(name, "Period is required.");
        ValidatePeriod(name, period, definition.EvaluationPeriods);
        return definition with
        {
            Metric = new MetricKey(AlarmJson.RequiredString(root, "Namespace", name), AlarmJson.RequiredString(root, "MetricName", name), AlarmJson.Dimensions(root, name)),
            Statistic = ParseStatistic(name, statistic ?? extended!),
            Period = period,
        };
    }

    private static MetricAlarmDefinition WithMetrics(MetricAlarmDefinition definition, JsonElement metrics)
    {
        var name = definition.AlarmName;
        if (metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() is 0 or > 10)
        {
            throw Invalid(name, "Metrics must be an array of 1 to 10 queries.");
        }

        var queries = new List<MetricDataQuery>();
        foreach (var query in metrics.EnumerateArray())
        {
            var id = AlarmJson.RequiredString(query, "Id", name);
            var returnData = !query.TryGetProperty("ReturnData", out var r) || r.ValueKind != JsonValueKind.False;
            var label = AlarmJson.String(query, "Label", name);
            if (AlarmJson.String(query, "Expression", name) is { } expression)
            {
                // Parsed once here, so a bad expression is refused with the definition, not at evaluation.
                try
                {
                    queries.Add(new MetricDataQuery(id, null, null, null, MetricMathExpression.Parse(expression), returnData, label));
                }
                catch (InvalidMetricMathException e)
                {
                    throw Invalid(name, $"query '{id}': {e.Message}");
                }

                continue;
            }

            if (!query.TryGetProperty("MetricStat", out var stat) || !stat.TryGetProperty(nameof(Metric), out var metric))
            {
                throw Invalid(name, $"query '{id}' needs an Expression or a MetricStat with a Metric.");
            }

            var period = AlarmJson.Int(stat, "Period", name) ?? throw Invalid(name, $"query '{id}' needs MetricStat.Period.");
            ValidatePeriod(name, period, definition.EvaluationPeriods);
            queries.Add(new MetricDataQuery(
                id,
                new MetricKey(AlarmJson.RequiredString(metric, "Namespace", name), AlarmJson.RequiredString(metric, "MetricName", name), AlarmJson.Dimensions(metric, name)),
                ParseStatistic(name, AlarmJson.RequiredString(stat, "Stat", name)),
                period,
                null,
                returnData,
                label));
        }

        var ids = queries.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        if (queries.SelectMany(q => q.Expression?.ReferencedIds ?? []).FirstOrDefault(r => !ids.Contains(r)) is { } unknown)
        {
            throw Invalid(name, $"an expression uses '{unknown}', which is not the Id of any query in Metrics.");
        }

        if (queries.Count(q => q.ReturnData) != 1)
        {
            throw Invalid(name, "exactly one of Metrics must have ReturnData true (the alarm's value).");
        }

        var periods = queries.Where(q => q.Period is not null).Select(q => q.Period!.Value).Distinct().ToList();
        if (periods.Count != 1)
        {
            throw Invalid(name, "every MetricStat of a math alarm must use the same Period.");
        }

        return definition with { Metrics = queries, Period = periods[0] };
    }

    // PutMetricAlarm: 10, 20, 30 or a multiple of 60 seconds; evaluation periods × period at most one day.
    private static void ValidatePeriod(string name, int period, int evaluationPeriods)
    {
        if (period is not (10 or 20 or 30) && (period < 60 || period % 60 != 0))
        {
            throw Invalid(name, $"Period {period} must be 10, 20, 30 or a multiple of 60 seconds.");
        }

        if ((long)period * evaluationPeriods > 86_400)
        {
            throw Invalid(name, "EvaluationPeriods × Period must not exceed one day (86,400 seconds).");
        }
    }

    private static Statistic ParseStatistic(string name, string text)
    {
        try
        {
            return Paywatch.Monitoring.Metrics.Statistic.Parse(text);
        }
        catch (FormatException e)
        {
            throw Invalid(name, e.Message);
        }
    }

    private static InvalidAlarmDefinitionException Invalid(string name, string message) => new($"Alarm {name}: {message}");
}
