namespace Paywatch.Local.Functions;

/// <summary>How an invocation through <see cref="LocalFunctionHost"/> ended.</summary>
public enum InvocationStatus
{
    /// <summary>The function returned a response.</summary>
    Success,

    /// <summary>The function threw or timed out (Lambda's <c>X-Amz-Function-Error: Unhandled</c>).</summary>
    FunctionError,

    /// <summary>The function was not run: its reserved concurrency was in use (Lambda's <c>TooManyRequestsException</c>, 429).</summary>
    Throttled,
}
