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

    /// <param name="payload">The function's response; the state returned is a slice of it, not a copy.</param>
    /// <param name="batch">The batch, in sequence-number order.</param>
    /// <param name="reportBatchItemFailures">Whether the mapping has ReportBatchItemFailures; without it, failures in the response are ignored.</param>
    public static StreamsEventResponse Parse(ReadOnlyMemory<byte> payload, ReadOnlySpan<StoredRecord> batch, bool reportBatchItemFailures)
    {
        // Read once, front to back: the window state can be a megabyte, and is kept as the slice it is in the payload.
        ReadOnlyMemory<byte>? state = null;
        var lowest = int.MaxValue;
        try
        {
            var reader = new Utf8JsonReader(payload.IsEmpty ? "null"u8 : payload.Span);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                return reader.Read() ? Failed("the response is not JSON (more after null)") : new(Kind.Success, batch.Length, null, null);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return Failed("the response is not a JSON object");
            }

            string? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isState = reader.ValueTextEquals("state"u8);
                var isFailures = reader.ValueTextEquals("batchItemFailures"u8);
                reader.Read();
                if (isState && reader.TokenType != JsonTokenType.Null)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    state = payload[start..(int)reader.BytesConsumed];
                }
                else if (isFailures && reportBatchItemFailures && reader.TokenType != JsonTokenType.Null)
                {
                    problem ??= ReadFailures(ref reader, batch, ref lowest);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                return Failed("the response is not JSON (more after the object)");
            }

            if (problem is not null)
            {
                return Failed(problem);
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

    /// <summary>Reads <c>batchItemFailures</c>, lowering <paramref name="lowest"/> to each named record; returns what is wrong with it, if anything.</summary>
    private static string? ReadFailures(ref Utf8JsonReader reader, ReadOnlySpan<StoredRecord> batch, ref int lowest)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return "batchItemFailures is not an array";
        }

        string? problem = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? sequenceNumber = null;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isIdentifier = reader.ValueTextEquals("itemIdentifier"u8);
                    reader.Read();
                    if (isIdentifier && reader.TokenType == JsonTokenType.String)
                    {
                        sequenceNumber = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            if (problem is not null)
            {
                continue; // the first problem is the one reported; the rest of the array is read past
            }

            if (sequenceNumber is not { Length: > 0 })
            {
                problem = "a batchItemFailures entry has no itemIdentifier";
                continue;
            }

            var index = IndexOf(batch, sequenceNumber);
            if (index < 0)
            {
                problem = $"itemIdentifier {sequenceNumber} is not in the batch";
                continue;
            }

            lowest = Math.Min(lowest, index);
        }

        return problem;
    }

    private static StreamsEventResponse Failed(string problem) => new(Kind.Failure, 0, null, problem);

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
