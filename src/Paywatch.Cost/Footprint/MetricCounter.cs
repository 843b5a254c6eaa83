using System.Buffers;
using Paywatch.Aws.Emf;
using Paywatch.Core.Telemetry;

namespace Paywatch.Cost.Footprint;

/// <summary>
/// The metrics port, counting what CloudWatch bills: the EMF documents' bytes (ingested as log data) and the custom metrics they
/// create. A metric is a namespace, a metric name and one dimension set with its values: one EMF value published under two
/// dimension sets is two metrics ("Metrics ... each unique combination of metric name and dimensions", CloudWatch pricing,
/// https://aws.amazon.com/cloudwatch/pricing/).
/// </summary>
public sealed class MetricCounter : IMetricsWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly HashSet<string> _metrics = new(StringComparer.Ordinal);

    public long EmfBytes { get; private set; }

    public long Documents { get; private set; }

    /// <summary>The distinct metrics seen, each as <c>namespace|metric|name=value,...</c>.</summary>
    public IReadOnlyCollection<string> Metrics => _metrics;

    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        _buffer.ResetWrittenCount();
        EmfDocumentWriter.Write(_buffer, metricNamespace, timestamp, sets);
        EmfBytes += _buffer.WrittenCount;
        Documents++;
        foreach (var set in sets)
        {
            foreach (var dimensionSet in set.DimensionSets)
            {
                var dimensions = string.Join(',', dimensionSet.Order(StringComparer.Ordinal)
                    .Select(name => $"{name}={set.DimensionValues.First(d => d.Key == name).Value}"));
                foreach (var metric in set.Metrics)
                {
                    _metrics.Add($"{metricNamespace}|{metric.Name}|{dimensions}");
                }
            }
        }
    }
}
