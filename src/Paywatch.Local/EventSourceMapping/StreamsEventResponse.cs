using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// A function's answer to a stream batch, judged as Lambda judges it
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html): an empty or null
/// <c>batchItemFailures</c>, or an empty or null response, is complete success; an empty or null
/// <c>itemIdentifier</c>, a wrong key name, or an identifier that is not in the batch is complete failure; otherwise
/// the batch is checkpointed before the lowest reported sequence number and retried from it.
/// </summary>
internal sealed record StreamsEventResponse(StreamsEventResponse.Kind Outcome, int RetryFrom, ReadOnlyMemory<byte>? State, string? Problem)
{
    internal enum Kind
    {
        Success,
        PartialFailure,
        Failure,
    }

    /// <param name="payload">The function's response.</param>
    /// <param name="batch">The batch, in sequence-number order.</param>
    /// <param name="reportBatchItemFailures">Whether the mapping has ReportBatchItemFailures; without it, failures in the response are ignored.</param>
    public static StreamsEventResponse Parse(ReadOnlyMemory<byte> payload, ReadOnlySpan<StoredRecord> batch, bool reportBatchItemFailures)
    {
        ReadOnlyMemory<byte>? state = null;
        var lowest = int.MaxValue;
        try
        {
            using var document = JsonDocument.Parse(payload.IsEmpty ? "null"u8.ToArray() : payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return new(Kind.Success, batch.Length, null, null);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return Failed("the response is not a JSON object");
            }

            if (root.TryGetProperty("state"u8, out var stateElement) && stateElement.ValueKind != JsonValueKind.Null)
            {
                state = JsonSerializerRaw(stateElement);
            }

            if (!reportBatchItemFailures || !root.TryGetProperty("batchItemFailures"u8, out var failures) || failures.ValueKind == JsonValueKind.Null)
            {
                return new(Kind.Success, batch.Length, state, null);
            }

            if (failures.ValueKind != JsonValueKind.Array)
            {
                return Failed("batchItemFailures is not an array");
            }

            foreach (var failure in failures.EnumerateArray())
            {
                if (failure.ValueKind != JsonValueKind.Object
                    || !failure.TryGetProperty("itemIdentifier"u8, out var identifier)
                    || identifier.ValueKind != JsonValueKind.String
                    || identifier.GetString() is not { Length: > 0 } sequenceNumber)
                {
                    return Failed("a batchItemFailures entry has no itemIdentifier");
                }

                var index = IndexOf(batch, sequenceNumber);
                if (index < 0)
                {
                    return Failed($"itemIdentifier {sequenceNumber} is not in the batch");
                }

                lowest = Math.Min(lowest, index);
            }
        }
        catch (JsonException e)
        {
            return Failed($"the response is not JSON ({e.Message})");
        }

        return lowest == int.MaxValue
            ? new(Kind.Success, batch.Length, state, null)
            : new(Kind.PartialFailure, lowest, state, null);
    }

    private static StreamsEventResponse Failed(string problem) => new(Kind.Failure, 0, null, problem);

    private static byte[] JsonSerializerRaw(JsonElement element) => System.Text.Encoding.UTF8.GetBytes(element.GetRawText());

    /// <summary>Binary search: a batch is in increasing sequence-number order, and a response may name all 10,000 records.</summary>
    private static int IndexOf(ReadOnlySpan<StoredRecord> batch, string sequenceNumber) =>
        UInt128.TryParse(sequenceNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Math.Max(-1, batch.BinarySearch(new SequenceNumberOrder(value)))
            : -1;

    /// <summary>Orders records against one sequence number, for <see cref="MemoryExtensions.BinarySearch{T, TComparable}(ReadOnlySpan{T}, TComparable)"/>.</summary>
    private readonly struct SequenceNumberOrder(UInt128 sequenceNumber) : IComparable<StoredRecord>
    {
        public int CompareTo(StoredRecord? other) => other is null ? 1 : sequenceNumber.CompareTo(other.SequenceNumber);
    }
}
