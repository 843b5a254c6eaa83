namespace Paywatch.Local.Functions;

/// <summary>One invocation's outcome, as Lambda's Invoke API reports it.</summary>
/// <param name="Status">Success, function error or throttle.</param>
/// <param name="RequestId">The invocation's request id (a GUID, as Lambda's).</param>
/// <param name="Payload">The response payload (empty unless <see cref="InvocationStatus.Success"/>).</param>
/// <param name="FunctionError">Lambda's <c>X-Amz-Function-Error</c>: <c>Unhandled</c> for an error, null otherwise.</param>
/// <param name="ErrorMessage">What went wrong, in Lambda's words where it has them (<c>Task timed out after 60.00 seconds</c>).</param>
/// <param name="Duration">How long the function ran.</param>
public sealed record InvocationResult(
    InvocationStatus Status,
    string RequestId,
    ReadOnlyMemory<byte> Payload,
    string? FunctionError,
    string? ErrorMessage,
    TimeSpan Duration)
{
    /// <summary>Invoke's HTTP status: 200 for a completed invocation (even with a function error), 429 for a throttle.</summary>
    public int StatusCode => Status == InvocationStatus.Throttled ? 429 : 200;
}
