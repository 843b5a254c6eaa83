using System.Text.Json;
using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Emf;

/// <summary>
/// Turns metric sets into CloudWatch Embedded Metric Format documents, splitting where the specification's
/// limits require: at most 100 metrics per directive, 100 values per metric and 256 KB per document, so a set
/// with more becomes several documents that together carry every value exactly once.
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
    /// <exception cref="EmfValidationException">A name, dimension or value that CloudWatch would reject.</exception>
    public static void Write(
        IBufferWriter<byte> output, string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sets);
        ValidateNamespace(metricNamespace);
        var documents = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(documents);
        foreach (var set in sets)
        {
            Validate(set);

            // Start at the count limits; should a document still exceed the size limit (long names, long
            // numbers), halve the values per document, then the metrics per document, until every one fits.
            var layout = new Layout(EmfLimits.MaxMetricsPerDirective, EmfLimits.MaxValuesPerMetric);
            while (!TryWriteSet(writer, documents, metricNamespace, timestamp, set, layout))
            {
                layout = layout.ValuesPerDocument > 1
                    ? layout with { ValuesPerDocument = layout.ValuesPerDocument / 2 }
                    : layout.MetricsPerDocument > 1
                        ? layout with { MetricsPerDocument = layout.MetricsPerDocument / 2 }
                        : throw new EmfValidationException(
                            $"A single metric value of namespace '{metricNamespace}' does not fit in {EmfLimits.MaxDocumentBytes} bytes.");
            }

            output.Write(documents.WrittenSpan);
        }
    }

    private static bool TryWriteSet(
        Utf8JsonWriter writer, ArrayBufferWriter<byte> documents, string metricNamespace, DateTimeOffset timestamp,
        MetricSet set, Layout layout)
    {
        documents.ResetWrittenCount();
        for (var first = 0; first < set.Metrics.Count; first += layout.MetricsPerDocument)
        {
            var count = Math.Min(layout.MetricsPerDocument, set.Metrics.Count - first);
            var chunks = 1;
            for (var i = first; i < first + count; i++)
            {
                chunks = Math.Max(chunks, (set.Metrics[i].Values.Count + layout.ValuesPerDocument - 1) / layout.ValuesPerDocument);
            }

            for (var chunk = 0; chunk < chunks; chunk++)
            {
                writer.Reset(documents);
                var start = documents.WrittenCount;
                WriteDocument(writer, metricNamespace, timestamp, set, first, count, chunk * layout.ValuesPerDocument, layout.ValuesPerDocument);
                writer.Flush();
                if (documents.WrittenCount - start > EmfLimits.MaxDocumentBytes)
                {
                    return false;
                }

                documents.Write("\n"u8);
            }
        }

        return true;
    }

    private static void WriteDocument(
        Utf8JsonWriter writer, string metricNamespace, DateTimeOffset timestamp, MetricSet set, int first, int count,
        int valueOffset, int valueCount)
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
            // A metric with no values left for this document is left out: an empty array is no datapoint.
            var metric = set.Metrics[i];
            if (valueOffset < metric.Values.Count)
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
            if (valueOffset >= metric.Values.Count)
            {
                continue;
            }

            var start = valueOffset;
            var length = Math.Min(valueCount, metric.Values.Count - start);
            writer.WritePropertyName(metric.Name);
            if (length == 1)
            {
                WriteValue(writer, metric.Values[start]);
            }
            else
            {
                writer.WriteStartArray();
                for (var v = start; v < start + length; v++)
                {
                    WriteValue(writer, metric.Values[v]);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    // Counts and whole milliseconds are most values, amounts with cents the rest: integers and decimals format
    // several times faster than the shortest round-trip form of a double. The decimal form is used only when it
    // reads back as the very same double.
    private static void WriteValue(Utf8JsonWriter writer, double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            writer.WriteNumberValue((long)value);
        }
        else if (Math.Abs(value) is > 1e-6 and < 1e13 && (decimal)value is var exact && (double)exact == value)
        {
            writer.WriteNumberValue(exact);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    private readonly record struct Layout(int MetricsPerDocument, int ValuesPerDocument);

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

        if (set.DimensionSets.Count == 0)
        {
            // The specification's schema requires at least one DimensionSet (which may itself be empty).
            throw new EmfValidationException("A metric set needs at least one dimension set; use an empty one for no dimensions.");
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
