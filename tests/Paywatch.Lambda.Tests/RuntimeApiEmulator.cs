using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paywatch.Lambda.Tests;

/// <summary>
/// The Lambda Runtime API, version 2018-06-01, as a test double on 127.0.0.1: invocations are queued by the
/// test, handed out on <c>/next</c> with Lambda's headers, and their responses or errors collected
/// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
/// </summary>
internal sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<QueuedInvocation> _queue = Channel.CreateUnbounded<QueuedInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationOutcome>> _outcomes = new();
    private readonly TaskCompletionSource<InvocationOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextCalls;

    private RuntimeApiEmulator(WebApplication app) => _app = app;

    /// <summary>The <c>host:port</c> to put in <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>How many times <c>/next</c> was called (the runtime asks for the next one once it posted the last).</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    public Task<InvocationOutcome> InitError => _initError.Task;

    public static async Task<RuntimeApiEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new RuntimeApiEmulator(app);
        app.MapGet("/2018-06-01/runtime/invocation/next", emulator.NextAsync);
        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", (string id, HttpContext c) => emulator.CompleteAsync(id, c, isError: false));
        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", (string id, HttpContext c) => emulator.CompleteAsync(id, c, isError: true));
        app.MapPost("/2018-06-01/runtime/init/error", emulator.InitErrorAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        emulator.Endpoint = new Uri(address).Authority;
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        QueuedInvocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
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
        await context.Response.Body.WriteAsync(invocation.Payload);
    }

    private async Task<IResult> CompleteAsync(string id, HttpContext context, bool isError)
    {
        var body = await ReadBodyAsync(context);
        if (!_outcomes.TryRemove(id, out var outcome))
        {
            // What Lambda answers for an unknown or already answered request id.
            return Results.BadRequest();
        }

        outcome.SetResult(new InvocationOutcome(isError, body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString(), DateTimeOffset.UtcNow));
        return Results.Accepted();
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        _initError.TrySetResult(new InvocationOutcome(true, body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString(), DateTimeOffset.UtcNow));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private sealed record QueuedInvocation(string RequestId, byte[] Payload, TimeSpan Timeout, string? TraceId);
}

/// <summary>What the runtime posted for one invocation: a response, or an error with its type header.</summary>
internal sealed record InvocationOutcome(bool IsError, byte[] Body, string ErrorTypeHeader, DateTimeOffset PostedAt)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}
