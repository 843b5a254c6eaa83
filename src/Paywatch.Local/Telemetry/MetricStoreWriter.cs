using Paywatch.Aws.Emf;
using Paywatch.Core.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The processor's metrics port in the twin: the batch's metrics are written as the same EMF documents the Lambda
/// prints, then extracted into the metric store the way CloudWatch Logs extracts them, and the documents go to
/// the function's log group as well (on AWS they are log events too).
/// </summary>
public sealed class MetricStoreWriter(MetricStore store, LogStore logs) : IMetricsWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Lock _lock = new();

    /// <summary>EMF documents CloudWatch would have refused (counted, never silently dropped; the reason in the log store).</summary>
    public long RejectedDocuments { get; private set; }

    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            EmfDocumentWriter.Write(_buffer, metricNamespace, timestamp, sets);
            var documents = _buffer.WrittenMemory;
            while (!documents.IsEmpty)
            {
                var end = documents.Span.IndexOf((byte)'\n');
                var line = end < 0 ? documents : documents[..end];
                documents = end < 0 ? ReadOnlyMemory<byte>.Empty : documents[(end + 1)..];
                if (line.IsEmpty)
                {
                    continue;
                }

                var (_, error) = EmfIngestor.Ingest(line, store);
                if (error is not null)
                {
                    RejectedDocuments++;
                }
            }

            logs.Write(_buffer.WrittenSpan);
        }
    }
}
