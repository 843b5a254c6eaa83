using System.Text.Json;

namespace Paywatch.Core.Kinesis;

/// <summary>
/// The function's answer to a Kinesis batch: Lambda's StreamsEventResponse (<c>batchItemFailures</c>, each
/// with <c>itemIdentifier</c> = a sequence number) and, with a tumbling window, the TimeWindowEventResponse's
/// <c>state</c>. Lambda resumes the shard from the lowest reported sequence number
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
/// </summary>
public sealed class KinesisStreamResponse
{
    public required IReadOnlyList<string> BatchItemFailures { get; init; }

    /// <summary>
    /// The window state to hand back as raw JSON, or null when the event had no window. It is the processor's
    /// own buffer, valid until the processor handles its next batch: serialize the response before that.
    /// </summary>
    public ReadOnlyMemory<byte>? State { get; init; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("batchItemFailures"u8);
        foreach (var sequenceNumber in BatchItemFailures)
        {
            writer.WriteStartObject();
            writer.WriteString("itemIdentifier"u8, sequenceNumber);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (State is { } state)
        {
            // With a tumbling window the response must carry state, or Lambda counts the invocation as failed.
            writer.WritePropertyName("state"u8);
            writer.WriteRawValue(state.Span, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    /// <summary>The response as JSON, in a buffer of its own (the state copied out of the processor's).</summary>
    public ReadOnlyMemory<byte> ToUtf8Json()
    {
        // Sized for the state up front (up to a megabyte): no growing copies.
        var buffer = new ArrayBufferWriter<byte>(64 + (BatchItemFailures.Count * 80) + (State?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        // The buffer is this call's alone: handed over as it is, without a second copy of up to a megabyte of state.
        return buffer.WrittenMemory;
    }
}
