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
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        byte[] response;
        try
        {
            if (service is null)
            {
                throw new AwsServiceException("UnknownOperationException", "No service here answers this RPC v2 path.");
            }

            var json = await service.HandleAsync(operation, ToJson(body.ToArray()), context.RequestAborted).ConfigureAwait(false);
            response = ToCbor(json);
        }
        catch (Exception e) when (e is AwsServiceException or CborContentException or InvalidOperationException or JsonException)
        {
            var error = e as AwsServiceException ?? new AwsServiceException("SerializationException", e.Message);
            context.Response.StatusCode = error.StatusCode;
            var writer = new CborWriter();
            writer.WriteStartMap(2);
            writer.WriteTextString("__type");
            writer.WriteTextString(error.ErrorType);
            writer.WriteTextString("message");
            writer.WriteTextString(error.Message);
            writer.WriteEndMap();
            response = writer.Encode();
        }

        await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A CBOR request body as the equivalent JSON (an empty body is an empty object).</summary>
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
                CopyItem(new CborReader(cbor, CborConformanceMode.Lax), writer);
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

    private static void CopyItem(CborReader reader, Utf8JsonWriter writer)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                writer.WriteStartObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    writer.WritePropertyName(reader.ReadTextString());
                    CopyItem(reader, writer);
                }

                reader.ReadEndMap();
                writer.WriteEndObject();
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                writer.WriteStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    CopyItem(reader, writer);
                }

                reader.ReadEndArray();
                writer.WriteEndArray();
                break;
            case CborReaderState.TextString:
                writer.WriteStringValue(reader.ReadTextString());
                break;
            case CborReaderState.ByteString:
                writer.WriteBase64StringValue(reader.ReadByteString());
                break;
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                writer.WriteNumberValue(reader.ReadInt64());
                break;
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                writer.WriteNumberValue(reader.ReadDouble());
                break;
            case CborReaderState.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case CborReaderState.Tag:
                reader.ReadTag();
                CopyItem(reader, writer);
                break;
            default:
                reader.SkipValue();
                writer.WriteNullValue();
                break;
        }
    }

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
