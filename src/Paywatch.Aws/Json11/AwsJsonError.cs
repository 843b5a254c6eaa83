namespace Paywatch.Aws.Json11;

/// <summary>
/// An AWS JSON 1.1 error: its type (the <c>__type</c> shape name without any <c>namespace#</c> prefix), message, and
/// whether a retry may succeed.
/// </summary>
/// <param name="StatusCode">The HTTP status, or 0 when no response arrived (network error, timeout).</param>
public sealed record AwsJsonError(string Type, string Message, int StatusCode, bool IsRetryable);
