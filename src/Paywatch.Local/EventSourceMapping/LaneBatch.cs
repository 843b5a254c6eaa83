using Paywatch.Local.Functions;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// A batch a lane owes the function: new, a retry, or one half of a bisected batch.
/// </summary>
/// <param name="Records">Its records, in sequence-number order (empty only for a window's closing invocation).</param>
/// <param name="RetriesUsed">Retries spent on these records (bisecting spends none).</param>
/// <param name="InvokeCount">Invocations made with these records so far.</param>
/// <param name="Window">Its tumbling window, when the mapping has one.</param>
/// <param name="IsFinal">Whether it is the window's last invocation (<c>isFinalInvokeForWindow</c>).</param>
/// <param name="LastResult">The last invocation's outcome, for the on-failure message.</param>
/// <param name="GivenUp">Set once the batch is given up on, while the on-failure destination has not yet taken it: it is not invoked again.</param>
internal sealed record LaneBatch(
    ArraySegment<StoredRecord> Records,
    int RetriesUsed,
    int InvokeCount,
    TumblingWindowRange? Window,
    bool IsFinal,
    InvocationResult? LastResult,
    string? GivenUp = null);
