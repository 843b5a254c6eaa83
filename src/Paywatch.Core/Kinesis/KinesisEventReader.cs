using System.Text.Json;

namespace Paywatch.Core.Kinesis;

/// <summary>
/// Reads a Lambda Kinesis event from its UTF-8 JSON without copying record data: each record keeps slices of
/// <paramref name="utf8Json"/>, which must therefore outlive the returned event.
/// </summary>
public static class KinesisEventReader
{
    private const int MinimumRecordEnvelopeBytes = 400;

    public static KinesisEvent Read(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return ReadEvent(utf8Json);
        }
        catch (JsonException e)
        {
            throw new InvalidKinesisEventException($"The invocation payload is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidKinesisEventException($"The invocation payload is not a Kinesis event: {e.Message}", e);
        }
    }

    private static KinesisEvent ReadEvent(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        if (!reader.Read())
        {
            throw new InvalidKinesisEventException("The invocation payload is empty.");
        }

        ExpectObject(reader, "the event");
        List<KinesisEventRecord>? records = null;
        TumblingWindow? window = null;
        ReadOnlyMemory<byte> state = default;
        string? shardId = null, arn = null;
        bool isFinal = false, terminatedEarly = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("Records"u8))
            {
                records = ReadRecords(ref reader, json);
            }
            else if (name.SequenceEqual("window"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                window = ReadWindow(ref reader);
            }
            else if (name.SequenceEqual("state"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                state = json[start..(int)(reader.TokenStartIndex + 1)];
            }
            else if (name.SequenceEqual("shardId"u8) && reader.TokenType == JsonTokenType.String)
            {
                shardId = reader.GetString();
            }
            else if (name.SequenceEqual("eventSourceARN"u8) && reader.TokenType == JsonTokenType.String)
            {
                arn = reader.GetString();
            }
            else if (name.SequenceEqual("isFinalInvokeForWindow"u8))
            {
                isFinal = reader.TokenType == JsonTokenType.True;
            }
            else if (name.SequenceEqual("isWindowTerminatedEarly"u8))
            {
                terminatedEarly = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Skip();
            }
        }

        if (records is null)
        {
            throw new InvalidKinesisEventException("The invocation payload has no \"Records\" array.");
        }

        return new KinesisEvent
        {
            Records = records,
            Window = window,
            State = state,
            ShardId = shardId,
            EventSourceArn = arn,
            IsFinalInvokeForWindow = isFinal,
            IsWindowTerminatedEarly = terminatedEarly,
        };
    }

    private static List<KinesisEventRecord> ReadRecords(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidKinesisEventException("\"Records\" is not an array.");
        }

        // Lambda wraps every record in at least ~400 bytes of metadata (eventID, ARNs, region, ...): sizing the list
        // from the payload allocates it once, where growing it would leave a trail of large arrays per batch.
        var records = new List<KinesisEventRecord>(json.Length / MinimumRecordEnvelopeBytes);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            KinesisEventRecord? record = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKinesis = reader.ValueSpan.SequenceEqual("kinesis"u8);
                reader.Read();
                if (isKinesis)
                {
                    record = ReadKinesis(ref reader, json, records.Count);
                }
                else
                {
                    reader.Skip();
                }
            }

            records.Add(record ?? throw new InvalidKinesisEventException(
                $"Record {records.Count} has no \"kinesis\" member."));
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new InvalidKinesisEventException($"Entry {records.Count} of \"Records\" is not an object.");
        }

        return records;
    }

    private static KinesisEventRecord ReadKinesis(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, int index)
    {
        ExpectObject(reader, $"record {index}'s \"kinesis\"");
        ReadOnlyMemory<byte>? data = null, sequence = null, partitionKey = null;
        var arrival = 0d;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("data"u8))
            {
                data = StringSlice(ref reader, json);
            }
            else if (name.SequenceEqual("sequenceNumber"u8))
            {
                sequence = StringSlice(ref reader, json);
            }
            else if (name.SequenceEqual("partitionKey"u8))
            {
                partitionKey = StringSlice(ref reader, json);
            }
            else if (name.SequenceEqual("approximateArrivalTimestamp"u8) && reader.TokenType == JsonTokenType.Number)
            {
                arrival = reader.GetDouble();
            }
            else
            {
                reader.Skip();
            }
        }

        if (sequence is null || sequence.Value.IsEmpty)
        {
            // Without a sequence number a record could neither be reported as a failure nor checkpointed.
            throw new InvalidKinesisEventException($"Record {index} has no \"sequenceNumber\".");
        }

        return new KinesisEventRecord(data ?? default, sequence.Value, partitionKey ?? default, arrival);
    }

    // A slice of the event for plain strings; an escaped string (rare: base64 and sequence numbers never need
    // escapes) is unescaped into a copy.
    private static ReadOnlyMemory<byte> StringSlice(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }

        if (!reader.ValueIsEscaped)
        {
            // TokenStartIndex points at the opening quote.
            return json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }

        var copy = new byte[reader.ValueSpan.Length];
        try
        {
            return copy.AsMemory(0, reader.CopyString(copy));
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate cannot be unescaped; the escaped form still identifies the key, and one
            // odd partition key must not fail the whole batch.
            return json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }
    }

    private static TumblingWindow? ReadWindow(ref Utf8JsonReader reader)
    {
        DateTimeOffset? start = null, end = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("start"u8) && reader.TokenType == JsonTokenType.String)
            {
                start = reader.GetDateTimeOffset();
            }
            else if (name.SequenceEqual("end"u8) && reader.TokenType == JsonTokenType.String)
            {
                end = reader.GetDateTimeOffset();
            }
            else
            {
                reader.Skip();
            }
        }

        return start is { } s && end is { } e ? new TumblingWindow(s, e) : null;
    }

    private static void ExpectObject(in Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidKinesisEventException($"Expected {what} to be a JSON object.");
        }
    }
}
