using Paywatch.Aws.Runtime;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Functions;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Functions;

/// <summary>Names, units and dimension per https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html.</summary>
public sealed class LocalFunctionHostTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly MetricStore _metrics = new(TimeSpan.FromHours(1));

    private double? Statistic(string name, Statistic statistic) =>
        _metrics.GetStatistics(
            new MetricKey("AWS/Lambda", name, [new("FunctionName", "transaction-processor-local")]),
            _time.GetUtcNow().AddMinutes(-5), _time.GetUtcNow().AddMinutes(5), TimeSpan.FromMinutes(10), statistic) is [var datapoint] ? datapoint.Value : null;

    [Fact]
    public async Task A_successful_invocation_counts_one_invocation_no_error_and_its_duration()
    {
        var function = new DelegateFunction(async (payload, _) =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
            return payload;
        });
        var host = new LocalFunctionHost(new LocalFunctionOptions(), () => function, _metrics, _time);

        var result = await host.InvokeAsync("{\"Records\":[]}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(InvocationStatus.Success, result.Status);
        Assert.Equal("{\"Records\":[]}", Encoding.UTF8.GetString(result.Payload.Span));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(1, Statistic("Invocations", Monitoring.Metrics.Statistic.Sum));
        Assert.Equal(0, Statistic("Errors", Monitoring.Metrics.Statistic.Sum));
        Assert.Equal(250, Statistic("Duration", Monitoring.Metrics.Statistic.Maximum));
        Assert.Equal(1, Statistic("ConcurrentExecutions", Monitoring.Metrics.Statistic.Maximum));
        Assert.Null(Statistic("Throttles", Monitoring.Metrics.Statistic.Sum));
    }

    [Fact]
    public async Task An_exception_is_an_Unhandled_function_error_counted_in_Errors()
    {
        var host = new LocalFunctionHost(new LocalFunctionOptions(), () => new DelegateFunction((_, _) => throw new InvalidOperationException("bad batch")), _metrics, _time);

        var result = await host.InvokeAsync(default, CancellationToken.None);

        Assert.Equal(InvocationStatus.FunctionError, result.Status);
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Contains("bad batch", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1, Statistic("Invocations", Monitoring.Metrics.Statistic.Sum));
        Assert.Equal(1, Statistic("Errors", Monitoring.Metrics.Statistic.Sum));
    }

    /// <summary>
    /// The function gets what the Runtime API gives it on Lambda, and its token is cancelled as the runtime loop cancels
    /// it: <see cref="LambdaInvocation.DefaultDeadlineMargin"/> (500 ms) before the deadline, now plus the timeout.
    /// </summary>
    [Fact]
    public async Task The_function_s_token_is_cancelled_500_ms_before_its_deadline_as_the_runtime_loop_cancels_it()
    {
        var started = _time.GetUtcNow();
        LambdaInvocation? seen = null;
        DateTimeOffset? cancelledAt = null;
        var function = new InvocationFunction(async (invocation, cancellationToken) =>
        {
            seen = invocation;
            using var registration = cancellationToken.Register(() => cancelledAt = _time.GetUtcNow());
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return "{}"u8.ToArray();
        });
        var host = new LocalFunctionHost(new LocalFunctionOptions { Timeout = TimeSpan.FromSeconds(3) }, () => function, _metrics, _time);

        var invocation = host.InvokeAsync("{}"u8.ToArray(), CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(2499));
        Assert.Null(cancelledAt);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await invocation.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.Success, result.Status);
        Assert.Equal(started.AddSeconds(3), seen!.Deadline);
        Assert.Equal(seen.Deadline - LambdaInvocation.DefaultDeadlineMargin, cancelledAt);
        Assert.Equal(TimeSpan.FromMilliseconds(500), LambdaInvocation.DefaultDeadlineMargin);
        Assert.Equal(LambdaInvocation.DefaultDeadlineMargin, new LambdaRuntimeLoop(new RuntimeApiClient("127.0.0.1:9001"), function, _time, Stream.Null).DeadlineMargin);
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local", seen.InvokedFunctionArn);
        Assert.Matches("^[0-9a-f-]{36}$", seen.RequestId);
        // Lambda's header for an invocation its sampling left out: the function starts the invocation's trace itself.
        Assert.Matches("^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$", seen.TraceId);
    }

    [Fact]
    public async Task An_invocation_that_outlives_its_deadline_is_a_timeout_error()
    {
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        var function = new DelegateFunction((_, _) => new ValueTask<ReadOnlyMemory<byte>>(never.Task));
        var host = new LocalFunctionHost(new LocalFunctionOptions { Timeout = TimeSpan.FromSeconds(3) }, () => function, _metrics, _time);

        var invocation = host.InvokeAsync(default, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(invocation.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await invocation.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.FunctionError, result.Status);
        Assert.Equal("Task timed out after 3.00 seconds", result.ErrorMessage);
        Assert.Equal(1, Statistic("Errors", Monitoring.Metrics.Statistic.Sum));
        Assert.Equal(3000, Statistic("Duration", Monitoring.Metrics.Statistic.Maximum));
        Assert.Equal(0, host.ConcurrentExecutions);
    }

    [Fact]
    public async Task An_invocation_beyond_the_reserved_concurrency_is_throttled_and_counted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var function = new DelegateFunction(async (payload, _) =>
        {
            await release.Task;
            return payload;
        });
        var host = new LocalFunctionHost(new LocalFunctionOptions { ReservedConcurrency = 2 }, () => function, _metrics, _time);

        var first = host.InvokeAsync(default, CancellationToken.None).AsTask();
        var second = host.InvokeAsync(default, CancellationToken.None).AsTask();
        var third = await host.InvokeAsync(default, CancellationToken.None);
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(InvocationStatus.Throttled, third.Status);
        Assert.Equal(429, third.StatusCode);
        Assert.Equal(1, host.Throttles);
        Assert.Equal(1, Statistic("Throttles", Monitoring.Metrics.Statistic.Sum));
        Assert.Equal(2, Statistic("Invocations", Monitoring.Metrics.Statistic.Sum)); // a throttle is not an invocation
        Assert.Equal(2, Statistic("ConcurrentExecutions", Monitoring.Metrics.Statistic.Maximum));
    }

    [Fact]
    public void Settings_out_of_Terraform_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LocalFunctionHost(new LocalFunctionOptions { ReservedConcurrency = 0 }, () => new DelegateFunction((p, _) => ValueTask.FromResult(p)), _metrics, _time));
        Assert.Throws<ArgumentException>(() => new LocalFunctionHost(new LocalFunctionOptions { Timeout = TimeSpan.FromSeconds(901) }, () => new DelegateFunction((p, _) => ValueTask.FromResult(p)), _metrics, _time));
    }

    [Fact]
    public void Names_are_those_Terraform_gives_the_twin()
    {
        var options = new LocalFunctionOptions();

        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local", options.FunctionArn);
        Assert.Equal("arn:aws:iam::000000000000:role/transaction-processor-local-role", options.RoleArn);
        Assert.Equal(20, options.ReservedConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Timeout);
    }

    private sealed class InvocationFunction(Func<LambdaInvocation, CancellationToken, Task<ReadOnlyMemory<byte>>> invoke) : ILambdaFunction
    {
        public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) => new(invoke(invocation, cancellationToken));
    }

    private sealed class DelegateFunction(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> invoke) : ILambdaFunction
    {
        public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) => invoke(invocation.Payload, cancellationToken);
    }
}
