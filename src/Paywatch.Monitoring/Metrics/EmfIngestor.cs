using System.Text.Json;

namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// Extracts metrics from CloudWatch Embedded Metric Format documents as CloudWatch Logs does: for every
/// directive in <c>_aws.CloudWatchMetrics</c>, every dimension set and every metric, one datapoint per value
/// (a metric's member may hold one number or an array of up to 100), at <c>_aws.Timestamp</c>, with the
/// metric's <c>StorageResolution</c> (1 = high resolution). A document that is not valid EMF yields no metrics,
/// as in CloudWatch (the log line itself is kept), and the reason is returned.
/// </summary>
/// <remarks>Spec: "Specification: Embedded metric format" (CloudWatch user guide).</remarks>
public static class EmfIngestor
{
    /// <returns>The number of datapoints stored, and why the document was refused when it was.</returns>
    public static (int Datapoints, string? Error) Ingest(ReadOnlyMemory<byte> line, MetricStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (0, $"not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
            {
                return (0, "no _aws metadata object");
            }

            if (!aws.TryGetProperty("Timestamp", out var timestampElement) || !timestampElement.TryGetInt64(out var milliseconds))
            {
                return (0, "_aws.Timestamp must be an integer number of milliseconds");
            }

            if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array)
            {
                return (0, "_aws.CloudWatchMetrics must be an array");
            }

            var second = Math.Floor(milliseconds / 1000.0);
            var datapoints = new List<(MetricKey, long, double, long, bool)>();
            foreach (var directive in directives.EnumerateArray())
            {
                if (Extract(root, directive, (long)second, datapoints) is { } error)
                {
                    return (0, error);
                }
            }

            store.PutBatch(datapoints);
            return (datapoints.Count, null);
        }
    }

    private static string? Extract(JsonElement root, JsonElement directive, long second, List<(MetricKey, long, double, long, bool)> datapoints)
    {
        if (directive.ValueKind != JsonValueKind.Object
            || !directive.TryGetProperty("Namespace", out var namespaceElement) || namespaceElement.GetString() is not { Length: > 0 } metricNamespace)
        {
            return "a directive needs a Namespace";
        }

        if (!directive.TryGetProperty("Dimensions", out var dimensionSets) || dimensionSets.ValueKind != JsonValueKind.Array
            || !directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array)
        {
            return "a directive needs Dimensions and Metrics arrays";
        }

        var sets = new List<KeyValuePair<string, string>[]>();
        foreach (var set in dimensionSets.EnumerateArray())
        {
            if (set.ValueKind != JsonValueKind.Array)
            {
                return "each dimension set is an array of names";
            }

            var dimensions = new List<KeyValuePair<string, string>>();
            foreach (var name in set.EnumerateArray())
            {
                // A dimension's value is the root member of that name, and must be a string.
                if (name.GetString() is not { } dimension || !root.TryGetProperty(dimension, out var value) || value.ValueKind != JsonValueKind.String)
                {
                    return $"dimension '{name}' has no string value in the document";
                }

                dimensions.Add(KeyValuePair.Create(dimension, value.GetString()!));
            }

            sets.Add([.. dimensions]);
        }

        foreach (var metric in metrics.EnumerateArray())
        {
            if (!metric.TryGetProperty("Name", out var nameElement) || nameElement.GetString() is not { Length: > 0 } name)
            {
                return "a metric needs a Name";
            }

            var highResolution = metric.TryGetProperty("StorageResolution", out var resolution) && resolution.TryGetInt32(out var r) && r == 1;
            if (!root.TryGetProperty(name, out var values))
            {
                continue; // CloudWatch skips a declared metric with no member
            }

            foreach (var set in sets)
            {
                var key = new MetricKey(metricNamespace, name, set);
                if (values.ValueKind == JsonValueKind.Number)
                {
                    datapoints.Add((key, second, values.GetDouble(), 1, highResolution));
                }
                else if (values.ValueKind == JsonValueKind.Array)
                {
                    foreach (var value in values.EnumerateArray())
                    {
                        if (value.ValueKind == JsonValueKind.Number)
                        {
                            datapoints.Add((key, second, value.GetDouble(), 1, highResolution));
                        }
                    }
                }
            }
        }

        return null;
    }
}
