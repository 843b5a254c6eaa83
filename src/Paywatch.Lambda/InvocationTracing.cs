using OpenTelemetry;
using OpenTelemetry.Trace;
using Paywatch.Aws.Otlp;
using Paywatch.Aws.Runtime;
using Paywatch.Aws.XRay;

namespace Paywatch.Lambda;

/// <summary>
/// Where the processor's spans go: X-Ray segments over UDP to the daemon Lambda runs beside the function, and
/// OTLP when an endpoint is configured (docs/tracing.md). Told about each invocation, so that spans land in its
/// trace.
/// </summary>
internal sealed class InvocationTracing : IDisposable
{
    /// <summary>How long the OTLP flush may hold up an invocation's response.</summary>
    private const int OtlpFlushTimeoutMs = 2_000;

    private readonly XRayExporter? _xray;
    private readonly TracerProvider? _otlp;

    public InvocationTracing(XRayExporter? xray, TracerProvider? otlp)
    {
        _xray = xray;
        _otlp = otlp;
    }

    public static InvocationTracing None { get; } = new(null, null);

    /// <summary>
    /// X-Ray when <c>AWS_XRAY_DAEMON_ADDRESS</c> is set (Lambda sets it; elsewhere, such as against the local twin,
    /// there is no daemon to send to), OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is.
    /// </summary>
    public static InvocationTracing FromEnvironment(string serviceName, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var xray = string.IsNullOrWhiteSpace(variable(XRayDaemonAddress.EnvironmentVariable)) ? null : XRayExporter.FromEnvironment(variable);
        return new InvocationTracing(xray, OtlpTracing.StartFromEnvironment(serviceName, variable));
    }

    public bool SendsToXRay => _xray is not null;

    public bool SendsToOtlp => _otlp is not null;

    public void Begin(LambdaInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        _xray?.SetInvocation(XRayTraceContext.Parse(invocation.TraceId), invocation.RequestId);
    }

    /// <summary>
    /// Flushes what is batched for OTLP: Lambda freezes the environment once the response is posted, and spans
    /// still in memory would wait for the next invocation, or be lost with the environment.
    /// </summary>
    public void End() => _otlp?.ForceFlush(OtlpFlushTimeoutMs);

    public void Dispose()
    {
        _xray?.Dispose();
        _otlp?.Dispose();
    }
}
