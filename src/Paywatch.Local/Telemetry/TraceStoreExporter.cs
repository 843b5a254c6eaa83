using System.Diagnostics;
using OpenTelemetry;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The twin's X-Ray: an OpenTelemetry exporter of the function's tracing pipeline that keeps every span in the
/// <see cref="TraceStore"/>, where the web UI's service map, trace list and waterfalls read them.
/// </summary>
public sealed class TraceStoreExporter(TraceStore store) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            store.Record(activity);
        }

        return ExportResult.Success;
    }
}
