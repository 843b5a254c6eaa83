using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Paywatch.Aws.TestSupport;

/// <summary>
/// The Lambda Runtime API, version 2018-06-01, as a test double on 127.0.0.1: invocations are queued by the
/// test, handed out on <c>/next</c> with Lambda's headers, and their responses or errors collected
/// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
/// </summary>
public sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly Channel<QueuedInvocation> _queue = Channel.CreateUnbounded<QueuedInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _outcomes = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackHttpServer? _server;
    private int _nextCalls;

    /// <summary>The <c>host:port</c> to put in <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Endpoint => _server?.Url.Authority ?? throw new InvalidOperationException("The emulator is not started.");

    /// <summary>How many times <c>/next</c> was called (the runtime asks for the next one once it posted the last).</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>Completes when the runtime posts to <c>/init/error</c>.</summary>
    public Task<InvocationOutcome> InitError => _initError.Task;

    public static async Task<RuntimeApiEmulator> StartAsync()
    {
        var emulator = new RuntimeApiEmulator();
        emulator._server = await LoopbackHttpServer.StartAsync(emulator.HandleAsync).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Queues an invocation; the returned task completes with what the runtime posted for it.</summary>
    public Task<InvocationOutcome> Invoke(byte[] payload, TimeSpan timeout, string? traceId = null, string? requestId = null)
    {
        var id = requestId ?? Guid.NewGuid().ToString();
        var outcome = new TaskCompletionSource<InvocationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _outcomes[id] = outcome;
        _queue.Writer.TryWrite(new QueuedInvocation(id, payload, timeout, traceId));
        return outcome.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var segments = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..].Split('/') : [];
        return (context.Request.Method, segments) switch
        {
            ("GET", ["invocation", "next"]) => NextAsync(context),
            ("POST", ["invocation", var id, "response"]) => CompleteAsync(Uri.UnescapeDataString(id), context, isError: false),
            ("POST", ["invocation", var id, "error"]) => CompleteAsync(Uri.UnescapeDataString(id), context, isError: true),
            ("POST", ["init", "error"]) => InitErrorAsync(context),
            _ => NotFound(context),
        };
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        QueuedInvocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var deadline = DateTimeOffset.UtcNow.Add(invocation.Timeout).ToUnixTimeMilliseconds();
        context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:paywatch-processor-test";
        if (invocation.TraceId is not null)
        {
            context.Response.Headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = invocation.Payload.Length;
        await context.Response.Body.WriteAsync(invocation.Payload).ConfigureAwait(false);
    }

    private async Task CompleteAsync(string id, HttpContext context, bool isError)
    {
        var outcome = await ReadOutcomeAsync(context, isError).ConfigureAwait(false);
        // An unknown or already answered request id is refused, as Lambda refuses it.
        var known = _outcomes.TryRemove(id, out var completion);
        completion?.SetResult(outcome);
        context.Response.StatusCode = known ? StatusCodes.Status202Accepted : StatusCodes.Status400BadRequest;
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        _initError.TrySetResult(await ReadOutcomeAsync(context, isError: true).ConfigureAwait(false));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static async Task<InvocationOutcome> ReadOutcomeAsync(HttpContext context, bool isError)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        return new InvocationOutcome(isError, buffer.ToArray(), context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString(), DateTimeOffset.UtcNow);
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private sealed record QueuedInvocation(string RequestId, byte[] Payload, TimeSpan Timeout, string? TraceId);
}

/// <summary>What the runtime posted for one invocation: a response, or an error with its type header.</summary>
public sealed record InvocationOutcome(bool IsError, byte[] Body, string ErrorTypeHeader, DateTimeOffset PostedAt)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
