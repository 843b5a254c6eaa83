namespace Paywatch.Aws.Runtime;

/// <summary>
/// One invocation as the Runtime API's <c>/runtime/invocation/next</c> hands it over: the payload and the response
/// headers that describe it (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next).
/// </summary>
/// <param name="RequestId"><c>Lambda-Runtime-Aws-Request-Id</c>: the id the response or error is posted under.</param>
/// <param name="Deadline"><c>Lambda-Runtime-Deadline-Ms</c>: when Lambda stops the invocation.</param>
/// <param name="InvokedFunctionArn"><c>Lambda-Runtime-Invoked-Function-Arn</c>.</param>
/// <param name="TraceId"><c>Lambda-Runtime-Trace-Id</c>: the X-Ray tracing header, e.g. <c>Root=1-…;Parent=…;Sampled=1</c>.</param>
/// <param name="Payload">
/// The event. It is a slice of the client's receive buffer, valid until the next invocation is fetched.
/// </param>
public sealed record LambdaInvocation(
    string RequestId,
    DateTimeOffset Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// How long before the deadline both hosts (the runtime loop and the twin's function host) cancel the function's
    /// token, so that work bounded by it (the publisher's retries) stops while there is still time to post a response:
    /// an invocation that times out instead is retried whole by Lambda, having told it nothing.
    /// </summary>
    public static readonly TimeSpan DefaultDeadlineMargin = TimeSpan.FromMilliseconds(500);

    /// <summary>A token source cancelled <paramref name="margin"/> before <see cref="Deadline"/> on <paramref name="time"/>'s clock (at once if that has passed).</summary>
    public CancellationTokenSource CancelBeforeDeadline(TimeProvider time, TimeSpan margin)
    {
        ArgumentNullException.ThrowIfNull(time);
        var remaining = Deadline - time.GetUtcNow() - margin;
        return new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
    }
}
