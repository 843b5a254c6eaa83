using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Emf;

/// <summary>
/// The metrics port as EMF lines on a stream: stdout in Lambda, where CloudWatch Logs extracts the metrics;
/// a file or pipe for the CLI and the local twin.
/// </summary>
public sealed class EmfMetricsWriter(Stream output) : IMetricsWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        _buffer.ResetWrittenCount();
        EmfDocumentWriter.Write(_buffer, metricNamespace, timestamp, sets);
        output.Write(_buffer.WrittenSpan);
        output.Flush();
    }
}
