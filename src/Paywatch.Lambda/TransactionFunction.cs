using System.Buffers;
using System.Text.Json;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;

namespace Paywatch.Lambda;

/// <summary>
/// The function: a Lambda Kinesis event in, the stream response out, through the host-agnostic processor. Metrics
/// (EMF) and log lines go to stdout, where CloudWatch Logs stores the lines and extracts the metrics.
/// </summary>
internal sealed class TransactionFunction : ILambdaFunction, IDisposable
{
    private readonly KinesisBatchHandler _handler;
    private readonly IMetricsWriter _metrics;
    private readonly LambdaSettings _settings;
    private readonly InvocationTracing _tracing;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte> _response = new(4096);
    private readonly Utf8JsonWriter _responseWriter;
    private TimeSpan? _initDuration;

    /// <param name="settings">The validated settings.</param>
    /// <param name="rules">The routing rules (<c>config/rules</c>, built into the binary).</param>
    /// <param name="publisher">EventBridge, or a stand-in in tests.</param>
    /// <param name="metrics">Where EMF documents go.</param>
    /// <param name="logs">Where log lines go.</param>
    /// <param name="tracing">Where spans go (X-Ray, OTLP); owned by the function from here on.</param>
    /// <param name="time">The clock.</param>
    /// <param name="initDuration">Process start to ready, reported with the cold-start metric on the first invocation.</param>
    public TransactionFunction(
        LambdaSettings settings,
        IReadOnlyList<RuleDefinition> rules,
        IEventPublisher publisher,
        IMetricsWriter metrics,
        ILogWriter logs,
        InvocationTracing tracing,
        TimeProvider time,
        TimeSpan initDuration)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _tracing = tracing ?? throw new ArgumentNullException(nameof(tracing));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        var options = settings.Processor;
        var routing = new RuleRoutingPolicy(RuleSet.Compile(rules), options.EventSource, options.DetailType, settings.PublishMode);
        _handler = new KinesisBatchHandler(options, publisher, routing, metrics, logs, time);
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
        _tracing.Begin(invocation);
        KinesisStreamResponse response;
        try
        {
            response = await _handler.HandleAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _tracing.End();
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
        _tracing.Dispose();
    }

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
