using System.Text.Json;
using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Emf;

/// <summary>
/// Turns metric sets into CloudWatch Embedded Metric Format documents, splitting where the specification's
/// limits require: at most 100 metrics per directive and 100 values per metric, so a set with more becomes
/// several documents that together carry every value exactly once.
/// </summary>
/// <remarks>
/// Document shape (one directive per document):
/// <code>
/// {"_aws":{"Timestamp":1764138124000,"CloudWatchMetrics":[{"Namespace":"Paywatch/Transactions",
///   "Dimensions":[["Environment"],["Environment","TransactionType"]],
///   "Metrics":[{"Name":"TransactionsProcessed","Unit":"Count"}]}]},
///  "Environment":"prod","TransactionType":"PURCHASE","TransactionsProcessed":42}
/// </code>
/// </remarks>
public static class EmfDocumentWriter
{
    /// <summary>Writes the documents for <paramref name="sets"/>, each followed by a newline.</summary>
    public static void Write(
        IBufferWriter<byte> output, string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sets);
        ValidateNamespace(metricNamespace);
        using var writer = new Utf8JsonWriter(output);
        foreach (var set in sets)
        {
            Validate(set);
            for (var first = 0; first < set.Metrics.Count; first += EmfLimits.MaxMetricsPerDirective)
            {
                var count = Math.Min(EmfLimits.MaxMetricsPerDirective, set.Metrics.Count - first);
                var chunks = 0;
                for (var i = first; i < first + count; i++)
                {
                    chunks = Math.Max(chunks, ChunkCount(set.Metrics[i].Values.Count));
                }

                for (var chunk = 0; chunk < chunks; chunk++)
                {
                    var before = writer.BytesCommitted + writer.BytesPending;
                    WriteDocument(writer, metricNamespace, timestamp, set, first, count, chunk);
                    writer.Flush();
                    if (writer.BytesCommitted - before > EmfLimits.MaxDocumentBytes)
                    {
                        throw new EmfValidationException(
                            $"An EMF document for namespace '{metricNamespace}' exceeds {EmfLimits.MaxDocumentBytes} bytes.");
                    }

                    output.Write("\n"u8);
                    writer.Reset(output);
                }
            }
        }
    }

    private static int ChunkCount(int values) =>
        Math.Max(1, (values + EmfLimits.MaxValuesPerMetric - 1) / EmfLimits.MaxValuesPerMetric);

    private static void WriteDocument(
        Utf8JsonWriter writer, string metricNamespace, DateTimeOffset timestamp, MetricSet set, int first, int count, int chunk)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("_aws"u8);
        writer.WriteNumber("Timestamp"u8, timestamp.ToUnixTimeMilliseconds());
        writer.WriteStartArray("CloudWatchMetrics"u8);
        writer.WriteStartObject();
        writer.WriteString("Namespace"u8, metricNamespace);
        writer.WriteStartArray("Dimensions"u8);
        foreach (var dimensionSet in set.DimensionSets)
        {
            writer.WriteStartArray();
            foreach (var name in dimensionSet)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("Metrics"u8);
        for (var i = first; i < first + count; i++)
        {
            var metric = set.Metrics[i];
            if (HasChunk(metric, chunk))
            {
                writer.WriteStartObject();
                writer.WriteString("Name"u8, metric.Name);
                writer.WriteString("Unit"u8, UnitName(metric.Unit));
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();

        foreach (var (name, value) in set.DimensionValues)
        {
            writer.WriteString(name, value);
        }

        for (var i = first; i < first + count; i++)
        {
            var metric = set.Metrics[i];
            if (!HasChunk(metric, chunk))
            {
                continue;
            }

            var start = chunk * EmfLimits.MaxValuesPerMetric;
            var length = Math.Min(EmfLimits.MaxValuesPerMetric, metric.Values.Count - start);
            if (length == 1)
            {
                writer.WriteNumber(metric.Name, metric.Values[start]);
            }
            else
            {
                writer.WriteStartArray(metric.Name);
                for (var v = start; v < start + length; v++)
                {
                    writer.WriteNumberValue(metric.Values[v]);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    // A metric with no values still appears once (as an empty array would be meaningless, it is left out).
    private static bool HasChunk(MetricValues metric, int chunk) => chunk * EmfLimits.MaxValuesPerMetric < metric.Values.Count;

    private static string UnitName(MetricUnit unit) => unit switch
    {
        MetricUnit.Count => "Count",
        MetricUnit.Milliseconds => "Milliseconds",
        _ => "None",
    };

    private static void ValidateNamespace(string metricNamespace)
    {
        if (string.IsNullOrEmpty(metricNamespace) || metricNamespace.Length > EmfLimits.MaxNamespaceLength
            || metricNamespace[0] == ':' || !IsPrintableAscii(metricNamespace))
        {
            throw new EmfValidationException(
                $"Namespace '{metricNamespace}' is invalid: it must be 1-{EmfLimits.MaxNamespaceLength} printable ASCII characters and not start with ':'.");
        }
    }

    private static void Validate(MetricSet set)
    {
        var dimensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in set.DimensionValues)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > EmfLimits.MaxDimensionNameLength || name[0] == ':'
                || !IsPrintableAscii(name))
            {
                throw new EmfValidationException(
                    $"Dimension name '{name}' is invalid: it must be 1-{EmfLimits.MaxDimensionNameLength} printable ASCII characters and not start with ':'.");
            }

            if (string.IsNullOrWhiteSpace(value) || value.Length > EmfLimits.MaxDimensionValueLength || !IsPrintableAscii(value))
            {
                throw new EmfValidationException(
                    $"Dimension '{name}' has an invalid value: it must be 1-{EmfLimits.MaxDimensionValueLength} printable ASCII characters, not all blank.");
            }

            if (!dimensions.TryAdd(name, value))
            {
                throw new EmfValidationException($"Dimension '{name}' is given twice.");
            }

            if (name == "_aws")
            {
                throw new EmfValidationException("'_aws' is the EMF metadata member and cannot be a dimension.");
            }
        }

        foreach (var dimensionSet in set.DimensionSets)
        {
            if (dimensionSet.Count > EmfLimits.MaxDimensionsPerSet)
            {
                throw new EmfValidationException(
                    $"A dimension set has {dimensionSet.Count} dimensions; EMF allows {EmfLimits.MaxDimensionsPerSet}.");
            }

            foreach (var name in dimensionSet)
            {
                if (!dimensions.ContainsKey(name))
                {
                    throw new EmfValidationException($"Dimension set refers to '{name}', which has no value.");
                }
            }
        }

        var metricNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in set.Metrics)
        {
            if (string.IsNullOrEmpty(metric.Name) || metric.Name.Length > EmfLimits.MaxMetricNameLength)
            {
                throw new EmfValidationException(
                    $"Metric name '{metric.Name}' is invalid: it must be 1-{EmfLimits.MaxMetricNameLength} characters.");
            }

            if (!metricNames.Add(metric.Name) || dimensions.ContainsKey(metric.Name) || metric.Name == "_aws")
            {
                throw new EmfValidationException(
                    $"Metric '{metric.Name}' clashes with another member of the document (metric, dimension or _aws).");
            }

            foreach (var value in metric.Values)
            {
                if (!double.IsFinite(value))
                {
                    throw new EmfValidationException($"Metric '{metric.Name}' has a value that is not a finite number.");
                }
            }
        }
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
