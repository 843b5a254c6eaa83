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
    ReadOnlyMemory<byte> Payload);
