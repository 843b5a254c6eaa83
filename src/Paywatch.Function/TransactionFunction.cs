using System.Buffers;
using System.Text.Json;
using Paywatch.Aws.Runtime;
using Paywatch.Aws.XRay;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;

namespace Paywatch.Function;

/// <summary>
/// The function, and the only place the processor is composed: a Lambda Kinesis event in, the stream response out.
/// The Lambda runtime loop and the twin's function host both run this type, one instance per execution environment.
/// Metrics and log lines go to the ports the host gives (stdout on Lambda, where CloudWatch Logs stores the lines and
/// extracts the EMF; the twin's stores locally); spans go to the host's tracing pipeline.
/// </summary>
/// <remarks>Like an execution environment, an instance runs one invocation at a time.</remarks>
public sealed class TransactionFunction : ILambdaFunction, IDisposable
{
    private readonly KinesisBatchHandler _handler;
    private readonly IMetricsWriter _metrics;
    private readonly FunctionSettings _settings;
    private readonly FunctionTracing _tracing;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte> _response = new(4096);
    private readonly Utf8JsonWriter _responseWriter;
    private TimeSpan? _initDuration;

    /// <param name="settings">The validated settings.</param>
    /// <param name="rules">The routing rules (<c>config/rules</c>), compiled; shared by every environment.</param>
    /// <param name="publisher">EventBridge, the twin's bus, or a stand-in in tests.</param>
    /// <param name="metrics">Where EMF documents go.</param>
    /// <param name="logs">Where log lines go.</param>
    /// <param name="tracing">The host's tracing pipeline (not owned: several environments share it).</param>
    /// <param name="time">The clock.</param>
    /// <param name="initDuration">The environment's start to ready, reported with the cold-start metric on its first invocation.</param>
    public TransactionFunction(
        FunctionSettings settings,
        RuleSet rules,
        IEventPublisher publisher,
        IMetricsWriter metrics,
        ILogWriter logs,
        FunctionTracing tracing,
        TimeProvider time,
        TimeSpan initDuration)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        ArgumentNullException.ThrowIfNull(rules);
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _tracing = tracing ?? throw new ArgumentNullException(nameof(tracing));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        var options = settings.Processor;
        var routing = new RuleRoutingPolicy(rules, options.EventSource, options.DetailType, settings.PublishMode);
        _handler = new KinesisBatchHandler(options, publisher, routing, metrics, logs, time, tracing.Processor);
        _responseWriter = new Utf8JsonWriter(_response);
        _initDuration = initDuration;
    }

    public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (_initDuration is { } initDuration)
        {
            _initDuration = null;
            WriteColdStart(initDuration);
        }

        var kinesisEvent = KinesisEventReader.Read(invocation.Payload);
        KinesisStreamResponse response;
        try
        {
            response = await _handler.HandleAsync(kinesisEvent, TraceParentOf(invocation), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _tracing.Flush();
        }

        _response.ResetWrittenCount();
        _responseWriter.Reset();
        response.WriteTo(_responseWriter);
        _responseWriter.Flush();
        return _response.WrittenMemory;
    }

    public void Dispose()
    {
        _handler.Dispose();
        _responseWriter.Dispose();
    }

    /// <summary>The invocation's trace header as the parent of the batch's spans (<see cref="XRayTraceContext.ToParentContext"/>).</summary>
    internal static TraceParent TraceParentOf(LambdaInvocation invocation) =>
        new(XRayTraceContext.Parse(invocation.TraceId)?.ToParentContext() ?? default, invocation.RequestId);

    /// <summary>
    /// <c>ColdStart</c> = 1 and <c>InitDuration</c> on an environment's first invocation, the figure a container
    /// image's start-up cost shows in (Lambda's own <c>Init Duration</c> is only in the REPORT line).
    /// </summary>
    private void WriteColdStart(TimeSpan initDuration)
    {
        var set = new MetricSet(
            [new(MetricNames.Dimensions.Environment, _settings.Processor.Environment)],
            [[MetricNames.Dimensions.Environment]],
            [
                new MetricValues(MetricNames.ColdStart, MetricUnit.Count, [1]),
                new MetricValues(MetricNames.InitDuration, MetricUnit.Milliseconds, [Math.Round(initDuration.TotalMilliseconds, 3)]),
            ]);
        _metrics.Write(_settings.Processor.MetricNamespace, _time.GetUtcNow(), [set]);
    }
}
