using System.Globalization;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Functions;

/// <summary>
/// Lambda, locally: runs an <see cref="ILocalFunction"/> under the function's reserved concurrency and timeout and
/// publishes the AWS/Lambda metrics CloudWatch would, under the <c>FunctionName</c> dimension, so config/alarms and
/// the dashboard read them unchanged ("Types of metrics for Lambda functions",
/// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). Thread-safe.
/// </summary>
public sealed class LocalFunctionHost
{
    private const string Namespace = "AWS/Lambda";

    private readonly ILocalFunction _function;
    private readonly MetricStore _metrics;
    private readonly TimeProvider _time;
    private readonly MetricKey _invocations;
    private readonly MetricKey _errors;
    private readonly MetricKey _duration;
    private readonly MetricKey _throttles;
    private readonly MetricKey _concurrentExecutions;
    private readonly MetricKey _iteratorAge;
    private int _running;
    private long _throttleCount;

    /// <param name="options">Name, reserved concurrency, timeout.</param>
    /// <param name="function">The function to run (<see cref="ProcessorFunction"/>, or a stand-in).</param>
    /// <param name="metrics">Where the AWS/Lambda metrics go.</param>
    /// <param name="time">The clock (durations, timeouts, metric timestamps).</param>
    public LocalFunctionHost(LocalFunctionOptions options, ILocalFunction function, MetricStore metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _function = function ?? throw new ArgumentNullException(nameof(function));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        KeyValuePair<string, string>[] dimensions = [new("FunctionName", options.FunctionName)];
        _invocations = new MetricKey(Namespace, "Invocations", dimensions);
        _errors = new MetricKey(Namespace, "Errors", dimensions);
        _duration = new MetricKey(Namespace, "Duration", dimensions);
        _throttles = new MetricKey(Namespace, "Throttles", dimensions);
        _concurrentExecutions = new MetricKey(Namespace, "ConcurrentExecutions", dimensions);
        _iteratorAge = new MetricKey(Namespace, "IteratorAge", dimensions);
    }

    public LocalFunctionOptions Options { get; }

    /// <summary>Invocations running now.</summary>
    public int ConcurrentExecutions => Volatile.Read(ref _running);

    /// <summary>Invocations refused for concurrency since start.</summary>
    public long Throttles => Interlocked.Read(ref _throttleCount);

    /// <summary>
    /// Runs the function once. A throttle and a function error are results, not exceptions: the caller (the event
    /// source mapping) decides what to retry.
    /// </summary>
    public async ValueTask<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
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
            result = await RunAsync(payload, requestId, start, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

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

    private async Task<InvocationResult> RunAsync(ReadOnlyMemory<byte> payload, string requestId, long start, CancellationToken cancellationToken)
    {
        using var invocationCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ReadOnlyMemory<byte>> invocation;
        try
        {
            invocation = _function.InvokeAsync(payload, invocationCancellation.Token).AsTask();
        }
#pragma warning disable CA1031 // Whatever the function throws is its error, reported as Lambda reports it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(requestId, start, $"{e.GetType().Name}: {e.Message}");
        }

        var timeout = Task.Delay(Options.Timeout, _time, invocationCancellation.Token);
        var first = await Task.WhenAny(invocation, timeout).ConfigureAwait(false);
        if (first != invocation)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await invocationCancellation.CancelAsync().ConfigureAwait(false);
            // The abandoned call is observed so its fault is not unobserved; Lambda would freeze the environment.
            _ = invocation.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            return Failed(requestId, start, string.Create(CultureInfo.InvariantCulture, $"Task timed out after {Options.Timeout.TotalSeconds:F2} seconds"));
        }

        // Stops the timeout's timer. Synchronous on purpose: CancelAsync would yield while the slot is still held.
        invocationCancellation.Cancel();
        try
        {
            var response = await invocation.ConfigureAwait(false);
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
    }

    private InvocationResult Failed(string requestId, long start, string message) =>
        new(InvocationStatus.FunctionError, requestId, default, "Unhandled", message, _time.GetElapsedTime(start));
}
