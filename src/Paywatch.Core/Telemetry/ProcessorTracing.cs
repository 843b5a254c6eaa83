using System.Diagnostics;

namespace Paywatch.Core.Telemetry;

/// <summary>
/// Where the processor's spans come from and how they form traces. The host's tracing pipeline creates the source
/// (each function its own, so that the pipeline exports only its function's spans) and listens to it.
/// </summary>
/// <param name="Source">The <see cref="ActivitySource"/> named <see cref="ProcessorTelemetry.ActivitySourceName"/>.</param>
/// <param name="Mode">One trace per invocation, per transaction, or none.</param>
public sealed record ProcessorTracing(ActivitySource Source, TraceMode Mode)
{
    /// <summary>The process-wide source, a trace per invocation: what a handler uses when the host gives it nothing.</summary>
    public static ProcessorTracing Default { get; } = new(ProcessorTelemetry.Source, TraceMode.Invocation);
}

/// <summary>
/// The trace a batch belongs to, from its invocation: Lambda's trace when Lambda sampled the invocation (the batch
/// span is then a child of Lambda's function segment), otherwise none (the processor starts a trace of its own).
/// </summary>
/// <param name="Context">Lambda's trace and its function segment's id, or default.</param>
/// <param name="InvocationId">The invocation's request id (<c>faas.invocation_id</c>).</param>
public readonly record struct TraceParent(ActivityContext Context, string? InvocationId);
