using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// The AWS JSON protocols 1.0 and 1.1 (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html), driven by the
/// operation's shapes. Their body is the neutral value itself, so the codec's work is the model's: an operation not in
/// the model is refused, the request is validated against its input shape (<see cref="ShapeValidator"/>), and the
/// handler's answer, a <see cref="JsonObject"/> in the output shape's member names, is written without its null members
/// (AWS leaves an absent member out). Every protocol's endpoint reaches a service through <see cref="HandleAsync"/>
/// (<see cref="AwsService"/>), the other protocols' codecs translating to and from this neutral value.
/// </summary>
internal static class JsonCodec
{
    /// <summary>Answers as AWS writes them: non-ASCII text as it is, not escaped.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="constraintErrorType">The service's error for a broken constraint: <c>ValidationException</c>, or its own (<c>InvalidParameterException</c>).</param>
    /// <param name="missingErrorType">The service's own error for a missing required member (SQS's <c>MissingParameter</c>), or null for the constraint error.</param>
    /// <param name="typeErrorType">The error for a value not of its shape's type: <c>SerializationException</c>, or the service's own.</param>
    /// <exception cref="AwsServiceException">UnknownOperationException, a validation error, the handler's error, or InternalFailure for an answer that breaks its output shape (<see cref="ResponseConformance"/>).</exception>
    public static async ValueTask<byte[]> HandleAsync(
        ServiceModel model,
        string operation,
        ReadOnlyMemory<byte> body,
        Func<string, JsonElement, CancellationToken, ValueTask<JsonObject>> handle,
        CancellationToken cancellationToken,
        string constraintErrorType = "ValidationException",
        string? missingErrorType = null,
        string typeErrorType = "SerializationException")
    {
        var shapes = model.Operation(operation);
        using var document = AwsJsonBody.Parse(body);
        ShapeValidator.ValidateRequest(shapes.Input, document.RootElement, constraintErrorType, missingErrorType, typeErrorType);
        var response = Write(await handle(operation, document.RootElement, cancellationToken).ConfigureAwait(false), shapes.Output);
        ResponseConformance.Check(model, operation, response);
        return response;
    }

    /// <summary>
    /// The neutral value as the JSON protocols' (and restJson's) body, null members left out. A handler may answer a
    /// timestamp as a <see cref="DateTimeOffset"/>: it is written as the <paramref name="shape"/> says, epoch seconds
    /// unless the member's <c>timestampFormat</c> names another format.
    /// </summary>
    public static byte[] Write(JsonNode value, Shape? shape = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, shape, null);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode value, Shape? shape, string? timestampFormat)
    {
        switch (value)
        {
            case JsonObject structure:
                writer.WriteStartObject();
                foreach (var (name, member) in structure)
                {
                    if (member is not null)
                    {
                        var reference = shape?.Type == "map" ? shape.Value : shape?.FindMember(name);
                        writer.WritePropertyName(name);
                        Write(writer, member, reference?.Target, reference?.TimestampFormatOrShapes);
                    }
                }

                writer.WriteEndObject();
                return;
            case JsonArray list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item ?? throw new InvalidOperationException("A list in a response holds a null."), shape?.Member?.Target, shape?.Member?.TimestampFormatOrShapes);
                }

                writer.WriteEndArray();
                return;
            case JsonValue time when time.TryGetValue<DateTimeOffset>(out var timestamp):
                if (shape?.Type != "timestamp")
                {
                    throw new InvalidOperationException($"A time where the model has no timestamp ({shape?.Name ?? "no shape"}).");
                }

                if (timestampFormat is null or "unixTimestamp" or "epoch-seconds")
                {
                    writer.WriteNumberValue(Timestamps.EpochSeconds(timestamp));
                }
                else
                {
                    writer.WriteStringValue(Timestamps.Format(timestamp, timestampFormat));
                }

                return;
            default:
                value.WriteTo(writer);
                return;
        }
    }
}
