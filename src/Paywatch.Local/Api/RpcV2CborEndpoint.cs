using System.Formats.Cbor;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Paywatch.Local.Api;

/// <summary>
/// The Smithy RPC v2 CBOR protocol in front of JSON-protocol services: <c>POST /service/{TargetPrefix}/operation/{Operation}</c>
/// with a CBOR body, as the AWS CLI (botocore 1.40+) and recent SDKs call CloudWatch
/// (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html). The request is read into the JSON the
/// service takes and its JSON answer written back as CBOR, so one implementation serves both protocols. Members
/// named <c>...Timestamp</c> holding a number are written as CBOR timestamps (tag 1, epoch seconds), as the
/// protocol serializes timestamp shapes.
/// </summary>
public static class RpcV2CborEndpoint
{
    /// <summary>Maps the route for <paramref name="services"/>: pass it to <see cref="AwsApiServer.StartAsync"/>'s <c>configure</c>.</summary>
    public static void Map(IEndpointRouteBuilder routes, IEnumerable<IAwsJsonService> services)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var byName = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
        routes.MapPost("/service/{service}/operation/{operation}", (HttpContext context, string service, string operation) =>
            HandleAsync(context, byName.GetValueOrDefault(service), operation));
    }

    private static async Task HandleAsync(HttpContext context, IAwsJsonService? service, string operation)
    {
        context.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentType = "application/cbor";
        byte[] response;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestLimits.MaxCloudWatchBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (service is null)
            {
                throw new AwsServiceException("UnknownOperationException", "No service here answers this RPC v2 path.");
            }

            var json = await service.HandleAsync(operation, ToJson(body), context.RequestAborted).ConfigureAwait(false);
            response = ToCbor(json);
        }
        catch (Exception e) when (e is AwsServiceException or CborContentException or InvalidOperationException or JsonException)
        {
            var error = e as AwsServiceException ?? new AwsServiceException("SerializationException", e.Message);
            context.Response.StatusCode = error.StatusCode;
            response = AwsErrorBody.Cbor(error.ErrorType, error.Message);
        }

        await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A CBOR request body as the equivalent JSON (an empty body is an empty object).</summary>
    /// <exception cref="AwsServiceException">The body nests deeper than <see cref="RequestLimits.MaxDepth"/>, holds a value JSON cannot carry, or more than one item.</exception>
    /// <exception cref="CborContentException">The body is not well-formed CBOR (truncated, a length past its end, ...).</exception>
    internal static byte[] ToJson(byte[] cbor)
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

    /// <summary>A JSON response body as CBOR.</summary>
    internal static byte[] ToCbor(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var writer = new CborWriter(CborConformanceMode.Lax);
        CopyElement(document.RootElement, writer, timestamp: false);
        return writer.Encode();
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

    private static void CopyElement(JsonElement element, CborWriter writer, bool timestamp)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartMap(null);
                foreach (var property in element.EnumerateObject())
                {
                    writer.WriteTextString(property.Name);
                    CopyElement(property.Value, writer, property.Name.EndsWith("Timestamp", StringComparison.Ordinal));
                }

                writer.WriteEndMap();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray(null);
                foreach (var item in element.EnumerateArray())
                {
                    CopyElement(item, writer, false);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteTextString(element.GetString()!);
                break;
            case JsonValueKind.Number when timestamp:
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(element.GetDouble());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.WriteInt64(integer);
                break;
            case JsonValueKind.Number:
                writer.WriteDouble(element.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean(element.GetBoolean());
                break;
            default:
                writer.WriteNull();
                break;
        }
    }
}
