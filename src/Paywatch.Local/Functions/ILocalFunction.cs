namespace Paywatch.Local.Functions;

/// <summary>
/// A function the twin runs in-process: the invocation payload (a Lambda event's UTF-8 JSON) in, the response
/// payload out. An exception is the function's error (Lambda's <c>Unhandled</c> function error). The host calls it
/// concurrently, up to its concurrency limit, as Lambda runs one execution environment per concurrent invocation.
/// </summary>
public interface ILocalFunction
{
    /// <param name="payload">The event; valid only until the call completes (the caller reuses its buffer), so copy what is kept.</param>
    /// <param name="cancellationToken">Cancelled at the function's timeout.</param>
    /// <returns>The response payload; it must stay valid after the call returns.</returns>
    ValueTask<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
