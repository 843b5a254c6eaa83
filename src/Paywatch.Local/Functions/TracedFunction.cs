using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Functions;

/// <summary>
/// A function whose spans go to its twin's trace store, as Lambda's X-Ray integration sends a function's segments to
/// its own account: when twins share a process, each store records its own function's invocations only.
/// </summary>
internal sealed class TracedFunction(ILocalFunction function, TraceStore traces) : ILocalFunction
{
    // Async, so that the claim (an AsyncLocal) covers the invocation and ends with it instead of leaking to the caller.
    public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        traces.Claim();
        return await function.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
    }
}
