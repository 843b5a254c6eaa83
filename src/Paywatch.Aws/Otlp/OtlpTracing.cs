using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Otlp;

/// <summary>
/// Optional OTLP export of the processor's spans, beside or instead of X-Ray (AWS has put the X-Ray SDKs and daemon
/// in maintenance mode and points to OpenTelemetry). On only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set; the exporter reads the other standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables (protocol, headers, timeout) itself.
/// </summary>
/// <remarks>
/// Spans are batched in the background, and Lambda freezes the environment between invocations: the host calls
/// <see cref="TracerProvider"/>'s <c>ForceFlush</c> after each batch, before it posts the response.
/// </remarks>
public static class OtlpTracing
{
    /// <returns>The running provider (dispose it at shutdown), or null when no OTLP endpoint is configured.</returns>
    public static TracerProvider? StartFromEnvironment(string serviceName, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        environment ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            && string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
        {
            return null;
        }

        return Sdk.CreateTracerProviderBuilder()
            .AddSource(ProcessorTelemetry.ActivitySourceName)
            .SetSampler(new AlwaysOnSampler())
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddOtlpExporter()
            .Build();
    }
}
