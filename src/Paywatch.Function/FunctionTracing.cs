using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Paywatch.Core.Telemetry;

namespace Paywatch.Function;

/// <summary>
/// The function's one tracing pipeline, on OpenTelemetry's SDK: the processor's spans come from this pipeline's own
/// <see cref="ActivitySource"/>, every one is recorded (the spec's 100 %), and they go to the exporters the host chose at
/// start-up (X-Ray, OTLP, the twin's trace store), each behind its OpenTelemetry processor.
/// </summary>
/// <remarks>
/// A tracer provider hears every source of the processor's name in the process, so each pipeline passes on only the
/// spans of its own source: several functions in one process (twins in tests) never export each other's spans.
/// </remarks>
public sealed class FunctionTracing : IDisposable
{
    /// <summary>How long the flush after an invocation may hold up its response.</summary>
    private const int FlushTimeoutMs = 2_000;

    private readonly TracerProvider? _provider;

    private FunctionTracing(ProcessorTracing processor, TracerProvider? provider)
    {
        Processor = processor;
        _provider = provider;
    }

    /// <summary>No spans at all.</summary>
    public static FunctionTracing Off { get; } = new(new ProcessorTracing(new ActivitySource(ProcessorTelemetry.ActivitySourceName), TraceMode.Off), null);

    /// <summary>The source and mode the processor is given.</summary>
    public ProcessorTracing Processor { get; }

    /// <param name="serviceName">The function's name (OpenTelemetry's <c>service.name</c>).</param>
    /// <param name="mode">How spans form traces; <see cref="TraceMode.Off"/>, or no exporter, records nothing.</param>
    /// <param name="exporters">OpenTelemetry processors, each holding an exporter; owned by the pipeline from here on.</param>
    public static FunctionTracing Start(string serviceName, TraceMode mode, IReadOnlyList<BaseProcessor<Activity>> exporters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(exporters);
        if (mode == TraceMode.Off || exporters.Count == 0)
        {
            foreach (var exporter in exporters)
            {
                exporter.Dispose();
            }

            return Off;
        }

        var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
        var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(ProcessorTelemetry.ActivitySourceName)
            .SetSampler(new AlwaysOnSampler())
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddProcessor(new OwnSpans(source, exporters))
            .Build();
        return new FunctionTracing(new ProcessorTracing(source, mode), provider);
    }

    /// <summary>
    /// Hands what processors still hold to their exporters: Lambda freezes the environment once the response is posted,
    /// and spans still in memory would wait for the next invocation, or be lost with the environment.
    /// </summary>
    public void Flush() => _provider?.ForceFlush(FlushTimeoutMs);

    public void Dispose()
    {
        _provider?.Dispose();
        if (_provider is not null)
        {
            Processor.Source.Dispose();
        }
    }

    /// <summary>The exporters' processors, given only the spans of this pipeline's source.</summary>
    private sealed class OwnSpans(ActivitySource source, IEnumerable<BaseProcessor<Activity>> processors) : CompositeProcessor<Activity>(processors)
    {
        public override void OnStart(Activity data)
        {
            if (data.Source == source)
            {
                base.OnStart(data);
            }
        }

        public override void OnEnd(Activity data)
        {
            if (data.Source == source)
            {
                base.OnEnd(data);
            }
        }
    }
}
