using System.Buffers.Text;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Kinesis;

namespace Paywatch.Local.Functions;

/// <summary>
/// Fault injection: fails every invocation whose batch holds a record whose data contains <c>marker</c>, and passes
/// the others to the wrapped function, so the event source mapping's bisection, retries and on-failure destination
/// can be shown on a live twin and in tests. The processor itself never fails on bad data (it reports it as an ERROR
/// transaction), so a poison record has to be made one on purpose.
/// </summary>
public sealed class PoisonRecordFunction : ILambdaFunction
{
    private readonly ILambdaFunction _inner;
    private readonly byte[] _marker;
    private long _failures;

    /// <param name="inner">The function that handles clean batches.</param>
    /// <param name="marker">The bytes that make a record poison (e.g. a transaction id), matched in the decoded data.</param>
    public PoisonRecordFunction(ILambdaFunction inner, ReadOnlyMemory<byte> marker)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (marker.IsEmpty)
        {
            throw new ArgumentException("The poison marker must not be empty.", nameof(marker));
        }

        _marker = marker.ToArray();
    }

    /// <summary>Invocations failed on purpose so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var kinesisEvent = KinesisEventReader.Read(invocation.Payload);
        foreach (var record in kinesisEvent.Records)
        {
            var data = new byte[Base64.GetMaxDecodedFromUtf8Length(record.Data.Length)];
            _ = Base64.DecodeFromUtf8(record.Data.Span, data, out _, out var written);
            if (data.AsSpan(0, written).IndexOf(_marker) >= 0)
            {
                Interlocked.Increment(ref _failures);
                throw new InvalidOperationException($"Poison record {record.SequenceNumberText} (injected fault).");
            }
        }

        return _inner.InvokeAsync(invocation, cancellationToken);
    }
}
