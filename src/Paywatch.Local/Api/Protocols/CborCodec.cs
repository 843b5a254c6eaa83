using System.Formats.Cbor;
using System.Text.Json;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// Smithy RPC v2 CBOR's bodies (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#shape-serialization):
/// a request is read into the neutral value (CBOR describes its own types: tag 1 timestamps become epoch seconds, byte
/// strings base64), and the neutral response is written by the operation's output shape: timestamp shapes as tag 1,
/// blobs as byte strings, integers and doubles as the model types them.
/// </summary>
internal static class CborCodec
{
    /// <summary>A CBOR request body as the equivalent JSON (an empty body is an empty object).</summary>
    /// <exception cref="AwsServiceException">The body nests deeper than <see cref="RequestLimits.MaxDepth"/>, holds a value JSON cannot carry, or more than one item.</exception>
    /// <exception cref="CborContentException">The body is not well-formed CBOR (truncated, a length past its end, ...).</exception>
    public static byte[] ReadRequest(byte[] cbor)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (cbor.Length == 0)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                // CborReader checks every declared length against the bytes left and keeps its nesting on a list, not
                // the stack; the recursion here is the only one, and it is bounded by the depth.
                var reader = new CborReader(cbor, CborConformanceMode.Lax);
                CopyItem(reader, writer, depth: 1);
                if (reader.BytesRemaining > 0)
                {
                    throw Serialization($"The body holds {reader.BytesRemaining} bytes after its one CBOR item.");
                }
            }
        }

        return buffer.ToArray();
    }

    private static void CopyItem(CborReader reader, Utf8JsonWriter writer, int depth)
    {
        if (depth > RequestLimits.MaxDepth)
        {
            throw Serialization($"The CBOR body nests deeper than {RequestLimits.MaxDepth} levels (maps, arrays and tags).");
        }

        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                writer.WriteStartObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    writer.WritePropertyName(reader.ReadTextString());
                    CopyItem(reader, writer, depth + 1);
                }

                reader.ReadEndMap();
                writer.WriteEndObject();
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                writer.WriteStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    CopyItem(reader, writer, depth + 1);
                }

                reader.ReadEndArray();
                writer.WriteEndArray();
                break;
            case CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString:
                writer.WriteStringValue(reader.ReadTextString());
                break;
            case CborReaderState.ByteString or CborReaderState.StartIndefiniteLengthByteString:
                writer.WriteBase64StringValue(reader.ReadByteString());
                break;
            case CborReaderState.UnsignedInteger:
                writer.WriteNumberValue(reader.ReadUInt64());
                break;
            case CborReaderState.NegativeInteger:
                // -1 - n, where n may be as large as 2^64 - 1: past long's range.
                writer.WriteNumberValue(-1m - reader.ReadCborNegativeIntegerRepresentation());
                break;
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                var number = reader.ReadDouble();
                writer.WriteNumberValue(double.IsFinite(number) ? number : throw Serialization("A number in the body is NaN or infinite, which the service cannot take."));
                break;
            case CborReaderState.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case CborReaderState.Tag:
                // A tag wraps one item: it counts as a level, so a chain of tags ends at the depth limit too.
                reader.ReadTag();
                CopyItem(reader, writer, depth + 1);
                break;
            case CborReaderState.Null or CborReaderState.SimpleValue:
                reader.SkipValue();
                writer.WriteNullValue();
                break;
            default:
                // Finished (nothing where an item was due) and the end states out of place: not well-formed.
                throw Serialization($"The CBOR body is not well-formed: {reader.PeekState()} where an item was expected.");
        }
    }

    private static AwsServiceException Serialization(string message) => new("SerializationException", message);

    /// <summary>The neutral response as CBOR; members the shape does not know, and a response with no shape, are written as their JSON kind says.</summary>
    public static byte[] WriteResponse(Shape? output, ReadOnlyMemory<byte> response)
    {
        using var document = AwsJsonBody.Parse(response);
        var writer = new CborWriter(CborConformanceMode.Lax);
        Write(document.RootElement, output, writer);
        return writer.Encode();
    }

    private static void Write(JsonElement value, Shape? shape, CborWriter writer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartMap(null);
                foreach (var property in value.EnumerateObject())
                {
                    writer.WriteTextString(property.Name);
                    Write(property.Value, shape?.Type == "map" ? shape.Value!.Target : shape?.FindMember(property.Name)?.Target, writer);
                }

                writer.WriteEndMap();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray(null);
                foreach (var item in value.EnumerateArray())
                {
                    Write(item, shape?.Member?.Target, writer);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String when shape?.Type == "blob":
                writer.WriteByteString(value.GetBytesFromBase64());
                break;
            case JsonValueKind.String:
                writer.WriteTextString(value.GetString()!);
                break;
            case JsonValueKind.Number when shape?.Type == "timestamp":
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(value.GetDouble());
                break;
            case JsonValueKind.Number when shape?.Type is "double" or "float":
                writer.WriteDouble(value.GetDouble());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                writer.WriteInt64(integer);
                break;
            case JsonValueKind.Number:
                writer.WriteDouble(value.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean(value.GetBoolean());
                break;
            default:
                writer.WriteNull();
                break;
        }
    }
}
