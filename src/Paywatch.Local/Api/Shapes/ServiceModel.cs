using System.Text.Json;

namespace Paywatch.Local.Api.Shapes;

/// <summary>
/// An AWS service model as plain data: the metadata that routes requests (target prefix, signing name, XML
/// namespace, protocols), the operations the twin serves and their shapes. Read from the trimmed
/// <c>service-2.json</c> files embedded in this assembly (<c>Api/Models</c>) with <see cref="JsonDocument"/>: no
/// reflection, so it stays AOT-safe.
/// </summary>
internal sealed class ServiceModel
{
    private ServiceModel(string serviceId, JsonElement metadata, Dictionary<string, OperationModel> operations)
    {
        ServiceId = serviceId;
        TargetPrefix = Text(metadata, "targetPrefix");
        JsonVersion = Text(metadata, "jsonVersion") ?? "1.1";
        SigningName = Text(metadata, "signingName") ?? Text(metadata, "endpointPrefix")!;
        XmlNamespace = Text(metadata, "xmlNamespace");
        Protocols = metadata.TryGetProperty("protocols", out var list) ? [.. list.EnumerateArray().Select(p => p.GetString()!)] : [Text(metadata, "protocol")!];
        Operations = operations;
    }

    /// <summary>The model's <c>serviceId</c>, e.g. <c>CloudWatch</c>, <c>Kinesis</c>.</summary>
    public string ServiceId { get; }

    public string? TargetPrefix { get; }

    public string JsonVersion { get; }

    public string SigningName { get; }

    public string? XmlNamespace { get; }

    /// <summary><c>query</c>, <c>json</c>, <c>rest-json</c>, <c>smithy-rpc-v2-cbor</c>, in the service's order of preference.</summary>
    public IReadOnlyList<string> Protocols { get; }

    public IReadOnlyDictionary<string, OperationModel> Operations { get; }

    /// <exception cref="AwsServiceException">The twin does not serve <paramref name="name"/> (not in the trimmed model).</exception>
    public OperationModel Operation(string name, string errorType = "UnknownOperationException") =>
        Operations.TryGetValue(name, out var operation) ? operation : throw new AwsServiceException(errorType, $"The twin's {ServiceId} does not support {name}.");

    public static ServiceModel Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        var definitions = root.GetProperty("shapes");
        foreach (var definition in definitions.EnumerateObject())
        {
            shapes[definition.Name] = new Shape(definition.Name, definition.Value.GetProperty("type").GetString()!);
        }

        foreach (var definition in definitions.EnumerateObject())
        {
            Fill(shapes[definition.Name], definition.Value, shapes);
        }

        var operations = new Dictionary<string, OperationModel>(StringComparer.Ordinal);
        foreach (var operation in root.GetProperty("operations").EnumerateObject())
        {
            var o = operation.Value;
            var http = o.GetProperty("http");
            operations[operation.Name] = new OperationModel(
                operation.Name,
                o.TryGetProperty("input", out var input) ? shapes[input.GetProperty("shape").GetString()!] : null,
                o.TryGetProperty("output", out var output) ? shapes[output.GetProperty("shape").GetString()!] : null,
                o.TryGetProperty("output", out var wrapped) ? Text(wrapped, "resultWrapper") : null,
                Text(http, "method") ?? "POST",
                Text(http, "requestUri") ?? "/",
                http.TryGetProperty("responseCode", out var status) ? status.GetInt32() : 200);
        }

        var metadata = root.GetProperty("metadata");
        return new ServiceModel(Text(metadata, "serviceId")!, metadata.Clone(), operations);
    }

    private static void Fill(Shape shape, JsonElement definition, Dictionary<string, Shape> shapes)
    {
        if (definition.TryGetProperty("members", out var members))
        {
            shape.Members = [.. members.EnumerateObject().Select(m => Reference(m.Name, m.Value, shapes))];
        }

        shape.Member = definition.TryGetProperty("member", out var member) ? Reference("member", member, shapes) : null;
        shape.Key = definition.TryGetProperty("key", out var key) ? Reference("key", key, shapes) : null;
        shape.Value = definition.TryGetProperty("value", out var value) ? Reference("value", value, shapes) : null;
        shape.Required = definition.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
        shape.Min = definition.TryGetProperty("min", out var min) ? min.GetDouble() : null;
        shape.Max = definition.TryGetProperty("max", out var max) ? max.GetDouble() : null;
        shape.Enum = definition.TryGetProperty("enum", out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : [];
        shape.Pattern = Text(definition, "pattern") is { } pattern ? new ShapePattern(pattern) : null;
        shape.Flattened = definition.TryGetProperty("flattened", out var flattened) && flattened.GetBoolean();
        shape.TimestampFormat = Text(definition, "timestampFormat");
    }

    private static ShapeMember Reference(string name, JsonElement reference, Dictionary<string, Shape> shapes) => new(
        name,
        shapes[reference.GetProperty("shape").GetString()!],
        Text(reference, "locationName"),
        reference.TryGetProperty("flattened", out var flattened) && flattened.GetBoolean(),
        Text(reference, "timestampFormat"),
        Text(reference, "location"));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
