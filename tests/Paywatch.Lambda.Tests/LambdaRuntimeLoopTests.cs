using Paywatch.Aws.TestSupport;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Aws.Runtime;

namespace Paywatch.Lambda.Tests;

/// <summary>The runtime loop against the Runtime API emulator (runtimes-api.html).</summary>
public sealed class LambdaRuntimeLoopTests
{
    [Fact]
    public async Task The_response_is_posted_under_the_invocation_request_id_and_the_next_invocation_is_fetched()
    {
        await using var api = await RuntimeApiEmulator.StartAsync();
        using var client = new RuntimeApiClient(api.Endpoint);
        var function = new ScriptedFunction(_ => Encoding.UTF8.GetBytes("""{"batchItemFailures":[]}"""));
        using var stop = new CancellationTokenSource();
        var loop = new LambdaRuntimeLoop(client, function, TimeProvider.System, Stream.Null).RunAsync(stop.Token);

        var first = await api.Invoke("""{"Records":[]}"""u8.ToArray(), TimeSpan.FromSeconds(30), requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd").WaitAsync(TimeSpan.FromSeconds(20));
        var second = await api.Invoke("{}"u8.ToArray(), TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();

        Assert.False(first.IsError);
        Assert.Equal("""{"batchItemFailures":[]}""", Encoding.UTF8.GetString(first.Body));
        Assert.False(second.IsError);
        Assert.Equal(["8476a536-e9f4-11e8-9739-2dfe598c3fcd", function.Invocations[1].RequestId], function.Invocations.Select(i => i.RequestId));
        Assert.Equal("""{"Records":[]}""", function.Payloads[0]);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:paywatch-processor-test", function.Invocations[0].InvokedFunctionArn);
        await loop.WaitAsync(TimeSpan.FromSeconds(20)); // a stop is a clean return
    }

    [Fact]
    public async Task A_function_failure_is_posted_as_the_invocation_error_and_the_loop_goes_on()
    {
        await using var api = await RuntimeApiEmulator.StartAsync();
        using var client = new RuntimeApiClient(api.Endpoint);
        var function = new ScriptedFunction(i => i.Payload.Length == 2
            ? throw new InvalidDataException("Error parsing event data.")
            : "{}"u8.ToArray());
        using var stop = new CancellationTokenSource();
        using var diagnostics = new MemoryStream();
        var loop = new LambdaRuntimeLoop(client, function, TimeProvider.System, diagnostics).RunAsync(stop.Token);

        var failed = await api.Invoke("[]"u8.ToArray(), TimeSpan.FromSeconds(30), requestId: "req-1").WaitAsync(TimeSpan.FromSeconds(20));
        var next = await api.Invoke("{ }"u8.ToArray(), TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(20)); // a stop is a clean return

        // The documented error body: errorMessage, errorType (and stackTrace), the type repeated in the header.
        Assert.True(failed.IsError);
        Assert.Equal("InvalidDataException", failed.ErrorTypeHeader);
        Assert.Equal("Error parsing event data.", failed.Json.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidDataException", failed.Json.GetProperty("errorType").GetString());
        Assert.NotEqual(0, failed.Json.GetProperty("stackTrace").GetArrayLength());
        Assert.False(next.IsError);

        var line = Encoding.UTF8.GetString(diagnostics.ToArray());
        Assert.Contains("\"request_id\":\"req-1\"", line, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"ERROR\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tracing_header_is_handed_over_and_set_in_X_AMZN_TRACE_ID()
    {
        const string header = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
        await using var api = await RuntimeApiEmulator.StartAsync();
        using var client = new RuntimeApiClient(api.Endpoint);
        string? seenInEnvironment = null;
        var function = new ScriptedFunction(_ =>
        {
            seenInEnvironment = Environment.GetEnvironmentVariable(LambdaRuntimeLoop.TraceIdVariable);
            return "{}"u8.ToArray();
        });
        using var stop = new CancellationTokenSource();
        var loop = new LambdaRuntimeLoop(client, function, TimeProvider.System, Stream.Null).RunAsync(stop.Token);

        await api.Invoke("{}"u8.ToArray(), TimeSpan.FromSeconds(30), traceId: header).WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(20)); // a stop is a clean return

        Assert.Equal(header, function.Invocations[0].TraceId);
        Assert.Equal(header, seenInEnvironment);
    }

    [Fact]
    public async Task The_function_token_is_cancelled_the_margin_before_the_deadline_and_the_response_still_posted()
    {
        await using var api = await RuntimeApiEmulator.StartAsync();
        using var client = new RuntimeApiClient(api.Endpoint);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var function = new DelegateFunction(async (_, token) =>
        {
            started.SetResult(token);
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            return "{\"batchItemFailures\":[]}"u8.ToArray();
        });
        var loop = new LambdaRuntimeLoop(client, function, time, Stream.Null) { DeadlineMargin = TimeSpan.FromMilliseconds(500) };

        var outcome = api.Invoke("{}"u8.ToArray(), TimeSpan.FromMinutes(5), requestId: "deadline-1");
        var invocation = await client.GetNextInvocationAsync(CancellationToken.None);
        var run = loop.InvokeAsync(invocation with { Deadline = time.GetUtcNow().AddSeconds(3) }, CancellationToken.None);
        var token = await started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        time.Advance(TimeSpan.FromMilliseconds(2_499));
        Assert.False(token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(token.IsCancellationRequested);
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False((await outcome).IsError);
    }

    private sealed class ScriptedFunction(Func<LambdaInvocation, byte[]> respond) : ILambdaFunction
    {
        public List<LambdaInvocation> Invocations { get; } = [];

        public List<string> Payloads { get; } = [];

        public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
        {
            Invocations.Add(invocation);
            Payloads.Add(Encoding.UTF8.GetString(invocation.Payload.Span));
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(respond(invocation));
        }
    }

    private sealed class DelegateFunction(Func<LambdaInvocation, CancellationToken, Task<byte[]>> respond) : ILambdaFunction
    {
        public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
            await respond(invocation, cancellationToken);
    }
}
