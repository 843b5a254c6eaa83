using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's PutMetricData into the metric store (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html):
/// Value, or Values with Counts, at the datum's Timestamp (now when left out), at StorageResolution 1 or 60. What
/// the store cannot keep is refused: StatisticValues (it keeps samples, not pre-aggregated sets), entities,
/// and timestamps older than the store's retention. Units are kept (<see cref="MetricUnits"/>).
/// </summary>
internal static class PutMetricDataCommand
{
    public static JsonObject Run(MetricStore store, MetricUnits units, JsonElement request, DateTimeOffset now)
    {
        // The model has required Namespace, and each datum's MetricName.
        var metricNamespace = AwsJsonBody.String(request, "Namespace")!;
        // "Namespaces can't start with AWS/; that prefix is reserved for Amazon Web Services products."
        if (metricNamespace.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw Invalid($"The value {metricNamespace} for parameter Namespace is invalid: the AWS/ prefix is reserved.");
        }

        if (request.TryGetProperty("EntityMetricData", out var entities) && entities.ValueKind == JsonValueKind.Array && entities.GetArrayLength() > 0)
        {
            throw Invalid("EntityMetricData: the twin's metric store keeps no entities.");
        }

        if (!request.TryGetProperty("MetricData", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() is 0 or > 1000)
        {
            throw new AwsServiceException("MissingParameter", "MetricData must hold 1 to 1,000 datums.");
        }

        var datapoints = new List<(MetricKey Key, DateTimeOffset Time, double Value, long Count, bool HighResolution)>();
        var datumUnits = new List<(MetricKey Key, string? Unit)>();
        foreach (var datum in data.EnumerateArray())
        {
            var key = new MetricKey(metricNamespace, AwsJsonBody.String(datum, "MetricName")!, CloudWatchJson.Dimensions(datum));
            datumUnits.Add((key, AwsJsonBody.String(datum, "Unit")));
            if (datum.TryGetProperty("StatisticValues", out _))
            {
                throw Invalid("StatisticValues: the twin's metric store keeps samples, not statistic sets; send Value, or Values and Counts.");
            }

            var resolution = AwsJsonBody.Int(datum, "StorageResolution") ?? 60;
            if (resolution is not (1 or 60))
            {
                throw Invalid($"The value {resolution} for parameter StorageResolution is invalid: it is 1 or 60.");
            }

            var time = AwsJsonBody.Time(datum, "Timestamp") ?? now;
            if (time < now - store.Retention || time > now + TimeSpan.FromHours(2))
            {
                throw Invalid($"The timestamp {time:O} is outside what the twin keeps: from {store.Retention.TotalHours:0} hours ago to 2 hours ahead.");
            }

            var hasValue = datum.TryGetProperty("Value", out var single);
            var hasValues = datum.TryGetProperty("Values", out var values);
            if (hasValue == hasValues)
            {
                throw new AwsServiceException("InvalidParameterCombination", $"The datum {key.Name} must have exactly one of Value and Values.");
            }

            if (hasValue)
            {
                datapoints.Add((key, time, Finite(single.GetDouble()), 1, resolution == 1));
                continue;
            }

            var counts = datum.TryGetProperty("Counts", out var c) ? c.EnumerateArray().Select(x => x.GetDouble()).ToList() : null;
            if (values.GetArrayLength() > 150 || (counts is not null && counts.Count != values.GetArrayLength()))
            {
                throw Invalid("Values holds at most 150 values, and Counts, when given, one count per value.");
            }

            var i = 0;
            foreach (var value in values.EnumerateArray())
            {
                var count = counts?[i++] ?? 1;
                if (count < 1 || count != Math.Floor(count))
                {
                    throw Invalid("The twin's metric store counts whole samples: each of Counts must be a whole number of at least 1.");
                }

                datapoints.Add((key, time, Finite(value.GetDouble()), (long)count, resolution == 1));
            }
        }

        foreach (var (key, time, value, count, highResolution) in datapoints)
        {
            if (!store.Put(key, time, value, count, highResolution))
            {
                throw new AwsServiceException("LimitExceeded", "The twin's metric store holds no more metrics (its series limit is reached).");
            }
        }

        foreach (var (key, unit) in datumUnits)
        {
            units.Record(key, unit);
        }

        return [];
    }

    private static double Finite(double value) =>
        double.IsFinite(value) ? value : throw Invalid("Values must be finite numbers.");

    private static AwsServiceException Invalid(string message) => new("InvalidParameterValue", message);
}
