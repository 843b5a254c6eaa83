using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// Writes the event Lambda's Kinesis event source mapping invokes a function with, member for member as the
/// "Example Kinesis record event" of https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, and with a
/// tumbling window the KinesisTimeWindowEvent members of
/// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html (window, state, shardId,
/// eventSourceARN, isFinalInvokeForWindow, isWindowTerminatedEarly).
/// </summary>
internal static class KinesisEventWriter
{
    /// <summary>The window part of an event: null when the mapping has no tumbling window.</summary>
    internal sealed record WindowPart(TumblingWindowRange Window, ReadOnlyMemory<byte> State, bool IsFinalInvokeForWindow, bool IsWindowTerminatedEarly);

    /// <summary>Writes the event into <paramref name="buffer"/>, after clearing it; returns what was written.</summary>
    public static ReadOnlyMemory<byte> Write(
        ArrayBufferWriter<byte> buffer,
        ReadOnlySpan<Streams.StoredRecord> records,
        string shardId,
        string streamArn,
        string region,
        string invokeIdentityArn,
        WindowPart? window)
    {
        // Room for the whole event at once (the window state can be a megabyte): no growing copies.
        var dataBytes = 0;
        foreach (var record in records)
        {
            dataBytes += record.Data.Length;
        }

        buffer.ResetWrittenCount();
        buffer.GetMemory(1024 + (records.Length * 512) + (dataBytes * 4 / 3) + (window?.State.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records"u8);
            foreach (var record in records)
            {
                var sequenceNumber = record.SequenceNumber.ToString(CultureInfo.InvariantCulture);
                writer.WriteStartObject();
                writer.WriteStartObject("kinesis"u8);
                writer.WriteString("kinesisSchemaVersion"u8, "1.0"u8);
                writer.WriteString("partitionKey"u8, record.PartitionKey);
                writer.WriteString("sequenceNumber"u8, sequenceNumber);
                writer.WriteBase64String("data"u8, record.Data.Span);
                // Seconds since the epoch with millisecond precision, a JSON number (1607497475.000 in the example).
                writer.WriteNumber("approximateArrivalTimestamp"u8, record.ApproximateArrivalTimestamp.ToUnixTimeMilliseconds() / 1000m);
                writer.WriteEndObject();
                writer.WriteString("eventSource"u8, "aws:kinesis"u8);
                writer.WriteString("eventVersion"u8, "1.0"u8);
                writer.WriteString("eventID"u8, shardId + ":" + sequenceNumber);
                writer.WriteString("eventName"u8, "aws:kinesis:record"u8);
                writer.WriteString("invokeIdentityArn"u8, invokeIdentityArn);
                writer.WriteString("awsRegion"u8, region);
                writer.WriteString("eventSourceARN"u8, streamArn);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (window is not null)
            {
                writer.WriteStartObject("window"u8);
                writer.WriteString("start"u8, Iso(window.Window.Start));
                writer.WriteString("end"u8, Iso(window.Window.End));
                writer.WriteEndObject();
                writer.WritePropertyName("state"u8);
                writer.WriteRawValue(window.State.IsEmpty ? "{}"u8 : window.State.Span, skipInputValidation: true);
                writer.WriteString("shardId"u8, shardId);
                writer.WriteString("eventSourceARN"u8, streamArn);
                writer.WriteBoolean("isFinalInvokeForWindow"u8, window.IsFinalInvokeForWindow);
                writer.WriteBoolean("isWindowTerminatedEarly"u8, window.IsWindowTerminatedEarly);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>The window bounds as the example writes them: <c>2020-12-09T07:04:00Z</c>.</summary>
    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
