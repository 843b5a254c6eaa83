using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's GetMetricStatistics over the twin's metric store
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html): the metric named
/// by namespace, name and its full dimension set; one datapoint per period that has data, with each requested
/// statistic (Statistics and ExtendedStatistics such as p99).
/// </summary>
internal static class MetricStatisticsQuery
{
    public static JsonObject Run(MetricStore store, MetricUnits units, JsonElement request)
    {
        // The model has required Namespace, MetricName, StartTime, EndTime and Period.
        var metricNamespace = AwsJsonBody.String(request, "Namespace")!;
        var name = AwsJsonBody.String(request, "MetricName")!;
        var dimensions = request.TryGetProperty("Dimensions", out var list)
            ? list.EnumerateArray().Select(d => KeyValuePair.Create(d.GetProperty("Name").GetString()!, d.GetProperty("Value").GetString()!)).ToList()
            : [];
        var start = AwsJsonBody.Time(request, "StartTime")!.Value;
        var end = AwsJsonBody.Time(request, "EndTime")!.Value;
        var period = TimeSpan.FromSeconds(ValidPeriod(AwsJsonBody.Int(request, "Period")!.Value));
        CheckRange(start, end, period);
        var statistics = AwsJsonBody.Strings(request, "Statistics").Concat(AwsJsonBody.Strings(request, "ExtendedStatistics")).ToList();
        if (statistics.Count == 0)
        {
            throw new AwsServiceException("MissingParameter", "Either Statistics or ExtendedStatistics must be given.");
        }

        var key = new MetricKey(metricNamespace, name, dimensions);
        var unit = AwsJsonBody.String(request, "Unit");
        var byTime = new SortedDictionary<DateTimeOffset, Dictionary<string, double>>();
        foreach (var statistic in statistics)
        {
            Statistic parsed;
            try
            {
                parsed = Statistic.Parse(statistic);
            }
            catch (FormatException e)
            {
                throw new AwsServiceException("InvalidParameterValue", e.Message);
            }

            foreach (var datapoint in store.GetStatistics(key, start, end, period, parsed).Where(_ => units.Matches(key, unit)))
            {
                if (!byTime.TryGetValue(datapoint.Timestamp, out var values))
                {
                    byTime[datapoint.Timestamp] = values = new Dictionary<string, double>(StringComparer.Ordinal);
                }

                values[statistic] = datapoint.Value;
            }
        }

        var unitKept = units.Of(key);
        return new()
        {
            ["Label"] = name,
            ["Datapoints"] = new JsonArray([.. byTime.Select(point =>
            {
                var datapoint = new JsonObject { ["Timestamp"] = point.Key, ["Unit"] = unitKept };
                foreach (var (statistic, value) in point.Value.Where(v => !v.Key.StartsWith('p')))
                {
                    datapoint[statistic] = value;
                }

                var extended = point.Value.Where(v => v.Key.StartsWith('p')).ToList();
                datapoint["ExtendedStatistics"] = extended.Count == 0 ? null : new JsonObject(extended.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));
                return datapoint;
            })]),
        };
    }

    /// <summary>
    /// A period CloudWatch's storage can answer: 1, 5, 10, 20, 30 or 60 seconds (high-resolution metrics) or a
    /// multiple of 60 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html, Period).
    /// </summary>
    public static int ValidPeriod(int seconds, string member = "Period") =>
        seconds is 1 or 5 or 10 or 20 or 30 || (seconds >= 60 && seconds % 60 == 0)
            ? seconds
            : throw new AwsServiceException("InvalidParameterValue", $"The parameter {member} must be 1, 5, 10, 20, 30, 60 or a multiple of 60; {seconds} is none of these.");

    /// <summary>
    /// "If you request more than 1,440 data points, CloudWatch returns an error": InvalidParameterCombination, with the
    /// number of periods the range spans.
    /// </summary>
    private static void CheckRange(DateTimeOffset start, DateTimeOffset end, TimeSpan period)
    {
        if (start >= end)
        {
            throw new AwsServiceException("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
        }

        var datapoints = (long)Math.Ceiling((end - start).TotalSeconds / period.TotalSeconds);
        if (datapoints > 1440)
        {
            throw new AwsServiceException(
                "InvalidParameterCombination",
                $"You have requested up to {datapoints} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.");
        }
    }
}
