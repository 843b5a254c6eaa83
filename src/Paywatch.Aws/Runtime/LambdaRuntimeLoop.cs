using System.Text.Json;

namespace Paywatch.Aws.Runtime;

/// <summary>
/// The custom runtime's loop: fetch the next invocation, run the function, post its response or its error
/// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-build). No business logic
/// lives here.
/// </summary>
/// <remarks>
/// The function's token is cancelled <see cref="DeadlineMargin"/> before the invocation's deadline, as the twin's
/// function host does (<see cref="LambdaInvocation.CancelBeforeDeadline"/>).
/// </remarks>
public sealed class LambdaRuntimeLoop
{
    /// <summary>The variable X-Ray instrumentation reads the invocation's tracing header from.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    private readonly RuntimeApiClient _client;
    private readonly ILambdaFunction _function;
    private readonly TimeProvider _time;
    private readonly Stream _diagnostics;

    /// <param name="client">The Runtime API.</param>
    /// <param name="function">The function to run.</param>
    /// <param name="time">The clock the deadline is measured by.</param>
    /// <param name="diagnostics">Where the runtime's own JSON lines go (stderr in Lambda, which CloudWatch Logs keeps).</param>
    public LambdaRuntimeLoop(RuntimeApiClient client, ILambdaFunction function, TimeProvider time, Stream diagnostics)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _function = function ?? throw new ArgumentNullException(nameof(function));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _diagnostics = diagnostics ?? throw new ArgumentNullException(nameof(diagnostics));
    }

    /// <summary>How long before the deadline the function's token is cancelled.</summary>
    public TimeSpan DeadlineMargin { get; init; } = LambdaInvocation.DefaultDeadlineMargin;

    /// <summary>Runs invocations until <paramref name="stopping"/> is cancelled (then returns) or the Runtime API fails.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API failed; the process should exit so Lambda replaces it.</exception>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var invocation = await _client.GetNextInvocationAsync(stopping).ConfigureAwait(false);
                await InvokeAsync(invocation, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Asked to stop (SIGTERM): a clean end, wherever in the loop it came.
        }
    }

    /// <summary>Runs one invocation and posts its outcome.</summary>
    public async Task InvokeAsync(LambdaInvocation invocation, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        // "The runtime should set the _X_AMZN_TRACE_ID with the value of the header" (runtimes-api.html#runtimes-api-next).
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);

        using var deadline = invocation.CancelBeforeDeadline(_time, DeadlineMargin);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);

        ReadOnlyMemory<byte> response;
        try
        {
            response = await _function.InvokeAsync(invocation, linked.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure of the function is the invocation's error: Lambda must hear of it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = RuntimeError.FromException(e);
            WriteDiagnostic(invocation.RequestId, error);
            await _client.PostInvocationErrorAsync(invocation.RequestId, error, stopping).ConfigureAwait(false);
            return;
        }

        await _client.PostResponseAsync(invocation.RequestId, response, stopping).ConfigureAwait(false);
    }

    private void WriteDiagnostic(string requestId, RuntimeError error)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time"u8, _time.GetUtcNow());
            writer.WriteString("level"u8, "ERROR"u8);
            writer.WriteString("message"u8, "invocation failed"u8);
            writer.WriteString("request_id"u8, requestId);
            writer.WriteString("error_type"u8, error.ErrorType);
            writer.WriteString("error_message"u8, error.ErrorMessage);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        _diagnostics.Write(buffer.WrittenSpan);
        _diagnostics.Flush();
    }
}
