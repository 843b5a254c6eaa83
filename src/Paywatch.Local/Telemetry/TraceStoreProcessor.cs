using System.Diagnostics;
using OpenTelemetry;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The twin's X-Ray: an OpenTelemetry processor of the function's tracing pipeline that keeps every finished span in
/// the <see cref="TraceStore"/>, where the web UI's service map, trace list and waterfalls read them.
/// </summary>
/// <remarks>
/// A processor rather than an exporter behind <see cref="SimpleActivityExportProcessor"/>: that one exports each span
/// under a single lock, and the twin's concurrent execution environments would queue on it at every span. The store is
/// thread-safe and formats a span's tags outside its own lock, so spans are handed over as they end.
/// </remarks>
public sealed class TraceStoreProcessor(TraceStore store) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Recorded)
        {
            store.Record(data);
        }
    }
}
