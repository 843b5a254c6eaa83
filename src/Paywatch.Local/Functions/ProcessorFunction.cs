using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;

namespace Paywatch.Local.Functions;

/// <summary>
/// The transaction processor as the twin's function: the same <see cref="KinesisBatchHandler"/> the Lambda host runs,
/// given the twin's ports. A handler handles one batch at a time (as one execution environment does), so each
/// concurrent invocation takes its own from a pool, created on first need and reused after, as Lambda reuses warm
/// environments. The ports are called from concurrent invocations and must be thread-safe.
/// </summary>
/// <remarks>
/// With a tumbling window every event carries the window's state (up to 1 MB), and a handler reads it unless it is the
/// state the handler itself last answered with. So an event goes to the idle handler holding its state when there is
/// one: each shard lane's state then stays loaded in one handler, as it would in the one environment serving a shard
/// most of the time on Lambda.
/// </remarks>
public sealed class ProcessorFunction : ILocalFunction, IDisposable
{
    private readonly ProcessorOptions _options;
    private readonly RuleSet _rules;
    private readonly PublishMode _publishMode;
    private readonly IEventPublisher _publisher;
    private readonly IMetricsWriter _metrics;
    private readonly ILogWriter _logs;
    private readonly TimeProvider _time;
    /// <summary>Enough for every lane of a large stream to keep its own (10 shards at parallelization factor 6).</summary>
    private const int MaxEnvironments = 64;

    /// <summary>
    /// Below this a state is read again at no real cost (an empty one, as every window starts with, costs nothing): any
    /// idle handler takes it, rather than a new one being created for it.
    /// </summary>
    private const int StateWorthKeeping = 1024;

    private readonly List<ExecutionEnvironment> _idle = [];
    private readonly Lock _lock = new();
    private int _created;

    /// <param name="options">The processor's settings (environment <c>local</c>, bus <c>paywatch-transactions-local</c>, ...).</param>
    /// <param name="rules">The routing rules (config/rules), compiled once and shared by every environment.</param>
    /// <param name="publishMode">Which entries the processor publishes (as <c>PAYWATCH_PUBLISH_MODE</c> in Lambda).</param>
    /// <param name="publisher">The twin's event bus.</param>
    /// <param name="metrics">Where the processor's EMF metrics go (the metric store).</param>
    /// <param name="logs">Where its log lines go (the log store).</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="ArgumentException">The options are invalid, or a rule cannot be routed by the processor.</exception>
    public ProcessorFunction(
        ProcessorOptions options,
        IReadOnlyList<RuleDefinition> rules,
        PublishMode publishMode,
        IEventPublisher publisher,
        IMetricsWriter metrics,
        ILogWriter logs,
        TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        ArgumentNullException.ThrowIfNull(rules);
        _rules = RuleSet.Compile(rules);
        _publishMode = publishMode;
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logs = logs ?? throw new ArgumentNullException(nameof(logs));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        // Fails here, at start-up, on a rule the processor cannot route (as the Lambda host fails its init).
        Return(CreateEnvironment());
    }

    /// <summary>
    /// Execution environments created so far: as many as ever ran at once, and one more for each lane whose state was
    /// worth keeping when no idle environment held it.
    /// </summary>
    public int Environments => Volatile.Read(ref _created);

    public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var kinesisEvent = KinesisEventReader.Read(payload);
        var environment = TakeEnvironment(kinesisEvent.State.Span) ?? CreateEnvironment();
        try
        {
            var response = await environment.Handler.HandleAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
            environment.HeldStateBytes = response.State?.Length ?? 0;
            // The response's state is the handler's own buffer: it is copied out before the handler is reused.
            return response.ToUtf8Json();
        }
        finally
        {
            Return(environment);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var environment in _idle)
            {
                environment.Handler.Dispose();
            }

            _idle.Clear();
        }
    }

    /// <summary>
    /// The idle environment holding <paramref name="state"/>; else one holding no state worth keeping; else, for a
    /// state worth keeping, none (a new one is created) while there are fewer than <see cref="MaxEnvironments"/>, since
    /// taking another's would make its lane read its state again; else the most recently used. Null when none is idle
    /// or fits.
    /// </summary>
    private ExecutionEnvironment? TakeEnvironment(ReadOnlySpan<byte> state)
    {
        lock (_lock)
        {
            // States of different lanes differ in length or within their first entry: a mismatch costs a few bytes' comparison.
            var index = _idle.Count - 1;
            while (index >= 0 && !_idle[index].Handler.HoldsWindowState(state))
            {
                index--;
            }

            if (index < 0)
            {
                index = _idle.FindLastIndex(e => e.HeldStateBytes < StateWorthKeeping);
            }

            if (index < 0 && (_idle.Count == 0 || (state.Length >= StateWorthKeeping && Environments < MaxEnvironments)))
            {
                return null;
            }

            index = index < 0 ? _idle.Count - 1 : index;
            var environment = _idle[index];
            _idle.RemoveAt(index);
            return environment;
        }
    }

    private ExecutionEnvironment CreateEnvironment()
    {
        Interlocked.Increment(ref _created);
        var routing = new RuleRoutingPolicy(_rules, _options.EventSource, _options.DetailType, _publishMode);
        return new ExecutionEnvironment(new KinesisBatchHandler(_options, _publisher, routing, _metrics, _logs, _time));
    }

    private void Return(ExecutionEnvironment environment)
    {
        lock (_lock)
        {
            _idle.Add(environment);
        }
    }

    /// <summary>One execution environment: a handler, and the size of the window state it last answered with.</summary>
    private sealed class ExecutionEnvironment(KinesisBatchHandler handler)
    {
        public KinesisBatchHandler Handler { get; } = handler;

        public int HeldStateBytes { get; set; }
    }
}
