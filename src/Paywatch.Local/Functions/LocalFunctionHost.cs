using System.Globalization;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Functions;

/// <summary>
/// Lambda, locally: runs a function (an <see cref="ILambdaFunction"/>, the very type the Lambda runtime loop runs) in
/// execution environments under the function's reserved concurrency and timeout, and publishes the AWS/Lambda metrics
/// CloudWatch would, under the <c>FunctionName</c> dimension, so config/alarms and the dashboard read them unchanged
/// ("Types of metrics for Lambda functions", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>Each invocation gets what the Runtime API gives one on Lambda: a request id, a deadline (now plus the
/// timeout), the function's ARN and a trace header; the function's token is cancelled
/// <see cref="LambdaInvocation.DefaultDeadlineMargin"/> before the deadline, as the runtime loop does, and an invocation
/// still running at the deadline has timed out. The trace header says Lambda did not sample the invocation
/// (<c>Sampled=0</c>): the function then starts the invocation's trace itself, as it does on AWS for the invocations
/// Lambda's sampling leaves out.</para>
/// <para>An environment runs one invocation at a time, created on first need and reused after, as Lambda reuses warm
/// ones. With a tumbling window every event carries the window's state (up to 1 MB), which a function reads again
/// unless it last answered with it; so an invocation goes to the idle environment that last served the same caller
/// (the event source mapping's lane), and a lane with none gets an environment of its own while there are fewer than
/// <see cref="MaxEnvironments"/>, as each shard lane stays in one environment most of the time on Lambda.</para>
/// </remarks>
public sealed class LocalFunctionHost : IDisposable
{
    /// <summary>Enough for every lane of a large stream to keep its own (10 shards at parallelization factor 6).</summary>
    public const int MaxEnvironments = 64;

    private const string Namespace = "AWS/Lambda";

    private readonly Func<ILambdaFunction> _createEnvironment;
    private readonly List<ExecutionEnvironment> _idle = [];
    private readonly Lock _lock = new();
    private readonly MetricStore _metrics;
    private readonly TimeProvider _time;
    private readonly MetricKey _invocations;
    private readonly MetricKey _errors;
    private readonly MetricKey _duration;
    private readonly MetricKey _throttles;
    private readonly MetricKey _concurrentExecutions;
    private readonly MetricKey _iteratorAge;
    private int _running;
    private int _created;
    private long _throttleCount;
    private long _invocationCount;
    private long _durationTicks;

    /// <param name="options">Name, reserved concurrency, timeout.</param>
    /// <param name="createEnvironment">
    /// Creates the function for a new execution environment (a <c>TransactionFunction</c>, or a stand-in; a stand-in
    /// that is thread-safe may be returned for every environment). Called once here, so that a function that cannot
    /// start fails the host's start, as a Lambda init error does.
    /// </param>
    /// <param name="metrics">Where the AWS/Lambda metrics go.</param>
    /// <param name="time">The clock (deadlines, durations, metric timestamps).</param>
    public LocalFunctionHost(LocalFunctionOptions options, Func<ILambdaFunction> createEnvironment, MetricStore metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _createEnvironment = createEnvironment ?? throw new ArgumentNullException(nameof(createEnvironment));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        KeyValuePair<string, string>[] dimensions = [new("FunctionName", options.FunctionName)];
        _invocations = new MetricKey(Namespace, "Invocations", dimensions);
        _errors = new MetricKey(Namespace, "Errors", dimensions);
        _duration = new MetricKey(Namespace, "Duration", dimensions);
        _throttles = new MetricKey(Namespace, "Throttles", dimensions);
        _concurrentExecutions = new MetricKey(Namespace, "ConcurrentExecutions", dimensions);
        _iteratorAge = new MetricKey(Namespace, "IteratorAge", dimensions);
        Return(CreateEnvironment());
    }

    public LocalFunctionOptions Options { get; }

    /// <summary>Invocations running now.</summary>
    public int ConcurrentExecutions => Volatile.Read(ref _running);

    /// <summary>Invocations refused for concurrency since start.</summary>
    public long Throttles => Interlocked.Read(ref _throttleCount);

    /// <summary>Invocations that ran (not throttled) since start.</summary>
    public long Invocations => Interlocked.Read(ref _invocationCount);

    /// <summary>The invocations' durations, summed.</summary>
    public TimeSpan TotalDuration => TimeSpan.FromTicks(Interlocked.Read(ref _durationTicks));

    /// <summary>Execution environments alive: created on need, less those dropped after a timeout.</summary>
    public int Environments => Volatile.Read(ref _created);

    /// <summary>
    /// Runs the function once. A throttle and a function error are results, not exceptions: the caller (the event
    /// source mapping) decides what to retry.
    /// </summary>
    /// <param name="payload">The event (UTF-8 JSON); read only during the call.</param>
    /// <param name="cancellationToken">Stops the invocation without a result (the twin is shutting down).</param>
    /// <param name="caller">Who invokes (the mapping's lane): its next invocation goes to the environment it last used.</param>
    public async ValueTask<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, object? caller = null)
    {
        var requestId = Uuid.NewString();
        var running = Interlocked.Increment(ref _running);
        if (running > Options.ReservedConcurrency)
        {
            // Throttled requests are counted in Throttles and not in Invocations (monitoring-metrics-types.html).
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _throttleCount);
            _metrics.Put(_throttles, _time.GetUtcNow(), 1);
            return new InvocationResult(InvocationStatus.Throttled, requestId, default, null,
                $"Rate Exceeded: reserved concurrency {Options.ReservedConcurrency} of {Options.FunctionName} is in use.", TimeSpan.Zero);
        }

        var start = _time.GetTimestamp();
        // ConcurrentExecutions is a gauge; CloudWatch charts its Maximum. Each start reports the level it reached.
        _metrics.Put(_concurrentExecutions, _time.GetUtcNow(), running);
        InvocationResult result;
        try
        {
            result = await RunAsync(payload, requestId, start, caller, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

        Interlocked.Increment(ref _invocationCount);
        Interlocked.Add(ref _durationTicks, result.Duration.Ticks);
        var now = _time.GetUtcNow();
        _metrics.Put(_invocations, now, 1);
        _metrics.Put(_errors, now, result.Status == InvocationStatus.FunctionError ? 1 : 0);
        _metrics.Put(_duration, now, result.Duration.TotalMilliseconds);
        return result;
    }

    /// <summary>
    /// IteratorAge for an event-source-mapping invocation: now minus the arrival of the batch's last record, in
    /// milliseconds, as Lambda reports it for stream sources.
    /// </summary>
    public void ReportIteratorAge(TimeSpan age) =>
        _metrics.Put(_iteratorAge, _time.GetUtcNow(), Math.Max(0, age.TotalMilliseconds));

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var environment in _idle)
            {
                (environment.Function as IDisposable)?.Dispose();
            }

            _idle.Clear();
        }
    }

    private async Task<InvocationResult> RunAsync(ReadOnlyMemory<byte> payload, string requestId, long start, object? caller, CancellationToken cancellationToken)
    {
        var environment = TakeEnvironment(caller) ?? CreateEnvironment();
        environment.LastCaller = caller;
        var now = _time.GetUtcNow();
        var invocation = new LambdaInvocation(requestId, now + Options.Timeout, Options.FunctionArn, TraceHeader(now), payload);
        using var beforeDeadline = invocation.CancelBeforeDeadline(_time, LambdaInvocation.DefaultDeadlineMargin);
        using var functionCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, beforeDeadline.Token);
        Task<ReadOnlyMemory<byte>> running;
        try
        {
            running = environment.Function.InvokeAsync(invocation, functionCancellation.Token).AsTask();
        }
#pragma warning disable CA1031 // Whatever the function throws is its error, reported as Lambda reports it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Return(environment);
            return Failed(requestId, start, $"{e.GetType().Name}: {e.Message}");
        }

        using var timerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(Options.Timeout, _time, timerCancellation.Token);
        if (await Task.WhenAny(running, deadline).ConfigureAwait(false) != running)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Lambda ends a timed-out environment; here it is left to finish, observed, and not used again.
            _ = running.ContinueWith(_ => (environment.Function as IDisposable)?.Dispose(), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
            Interlocked.Decrement(ref _created);
            return Failed(requestId, start, string.Create(CultureInfo.InvariantCulture, $"Task timed out after {Options.Timeout.TotalSeconds:F2} seconds"));
        }

        // Stops the deadline's timer. Synchronous on purpose: CancelAsync would yield while the slot is still held.
        timerCancellation.Cancel();
        try
        {
            // The response is the environment's buffer until its next invocation: copied before the environment is free.
            var response = (await running.ConfigureAwait(false)).ToArray();
            return new InvocationResult(InvocationStatus.Success, requestId, response, null, null, _time.GetElapsedTime(start));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever the function throws is its error, reported as Lambda reports it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(requestId, start, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            Return(environment);
        }
    }

    /// <summary>The Runtime API's trace header for an invocation Lambda did not sample: a root, its function segment's id, <c>Sampled=0</c>.</summary>
    private static string TraceHeader(DateTimeOffset now)
    {
        Span<byte> parent = stackalloc byte[8];
        Random.Shared.NextBytes(parent);
        return $"Root={TraceIds.ToXRay(TraceIds.New(now))};Parent={Convert.ToHexStringLower(parent)};Sampled=0";
    }

    /// <summary>
    /// The idle environment <paramref name="caller"/> used last; else a fresh one; else, for a caller, none (a new one is
    /// created) while there are fewer than <see cref="MaxEnvironments"/>, since taking another lane's would make that
    /// lane's function read its window state again; else the most recently used. Null when none is idle or fits.
    /// </summary>
    private ExecutionEnvironment? TakeEnvironment(object? caller)
    {
        lock (_lock)
        {
            var index = caller is null ? -1 : _idle.FindLastIndex(e => ReferenceEquals(e.LastCaller, caller));
            if (index < 0)
            {
                index = _idle.FindLastIndex(e => e.LastCaller is null);
            }

            if (index < 0 && (_idle.Count == 0 || (caller is not null && Environments < MaxEnvironments)))
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
        var environment = new ExecutionEnvironment(_createEnvironment());
        Interlocked.Increment(ref _created);
        return environment;
    }

    private void Return(ExecutionEnvironment environment)
    {
        lock (_lock)
        {
            _idle.Add(environment);
        }
    }

    private InvocationResult Failed(string requestId, long start, string message) =>
        new(InvocationStatus.FunctionError, requestId, default, "Unhandled", message, _time.GetElapsedTime(start));

    /// <summary>One execution environment: its function, and who invoked it last.</summary>
    private sealed class ExecutionEnvironment(ILambdaFunction function)
    {
        public ILambdaFunction Function { get; } = function;

        public object? LastCaller { get; set; }
    }
}
