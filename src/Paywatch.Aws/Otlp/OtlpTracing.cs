using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Paywatch.Aws.Otlp;

/// <summary>
/// Optional OTLP export of the processor's spans, beside or instead of X-Ray (AWS has put the X-Ray SDKs and daemon
/// in maintenance mode and points to OpenTelemetry). On only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set; the exporter reads the other standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables (protocol, headers, timeout) itself.
/// </summary>
/// <remarks>
/// Spans are batched in the background, and Lambda freezes the environment between invocations: the host flushes the
/// pipeline after each batch, before it posts the response.
/// </remarks>
public static class OtlpTracing
{
    /// <returns>The exporter behind OpenTelemetry's batching processor, or null when no OTLP endpoint is configured.</returns>
    public static BaseProcessor<Activity>? ProcessorFromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            && string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
        {
            return null;
        }

        return new BatchActivityExportProcessor(new OtlpTraceExporter(new OtlpExporterOptions()));
    }
}
