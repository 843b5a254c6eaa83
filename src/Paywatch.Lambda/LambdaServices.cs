using System.Diagnostics;
using OpenTelemetry;
using Paywatch.Aws.EventBridge;
using Paywatch.Aws.Otlp;
using Paywatch.Aws.XRay;
using Paywatch.Core.Routing;
using Paywatch.Function;

namespace Paywatch.Lambda;

/// <summary>The function's adapters to AWS, built from the environment Lambda provides.</summary>
internal static class LambdaServices
{
    /// <summary>
    /// EventBridge's PutEvents, signed with the execution role's credentials, at the endpoint the environment names
    /// (EventBridge's own, or <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c>). Unpublished entries are reported on stderr.
    /// </summary>
    public static IEventPublisher CreatePublisher(Func<string, string?> variable)
    {
        var options = new PutEventsOptions();
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            // Each attempt has its own, shorter timeout; this only guards against a request the publisher forgot.
            Timeout = options.AttemptTimeout * 2,
        };
        return PutEventsPublisher.FromEnvironment(http, options, Console.Error, variable);
    }

    /// <summary>
    /// The tracing pipeline's exporters on Lambda: X-Ray when <c>AWS_XRAY_DAEMON_ADDRESS</c> is set (Lambda sets it with
    /// active tracing; elsewhere, such as against the local twin, there is no daemon to send to), sent as each trace
    /// ends; OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, batched and flushed after each invocation.
    /// </summary>
    public static FunctionTracing CreateTracing(FunctionSettings settings, Func<string, string?> variable)
    {
        var exporters = new List<BaseProcessor<Activity>>();
        if (!string.IsNullOrWhiteSpace(variable(XRayDaemonAddress.EnvironmentVariable)))
        {
            exporters.Add(new SimpleActivityExportProcessor(XRayExporter.FromEnvironment(variable)));
        }

        if (OtlpTracing.ProcessorFromEnvironment(variable) is { } otlp)
        {
            exporters.Add(otlp);
        }

        return FunctionTracing.Start(settings.FunctionName, settings.TraceMode, exporters);
    }

    /// <summary>
    /// Process start to now. The start time comes from /proc/self/stat, in clock ticks (10 ms on Linux), which
    /// is coarse but the only start that includes the runtime's own start-up.
    /// </summary>
    public static TimeSpan TimeSinceProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        var age = DateTime.Now - process.StartTime;
        return age > TimeSpan.Zero ? age : TimeSpan.Zero;
    }
}
