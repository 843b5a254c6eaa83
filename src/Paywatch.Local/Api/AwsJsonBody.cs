using System.Text.Json;

namespace Paywatch.Local.Api;

/// <summary>Reading AWS JSON-protocol request members (the neutral request), with AWS's validation errors.</summary>
internal static class AwsJsonBody
{
    /// <summary>Request bodies nest at most <see cref="RequestLimits.MaxDepth"/> levels: deeper is a JsonException, a 400.</summary>
    public static JsonDocumentOptions Options { get; } = new() { MaxDepth = RequestLimits.MaxDepth };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        var document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, Options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new AwsServiceException("SerializationException", "The request body must be a JSON object.");
        }

        return document;
    }

    public static string? String(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string RequiredString(JsonElement request, string member, string errorType = "ValidationException") =>
        String(request, member) ?? throw new AwsServiceException(errorType, $"1 validation error detected: Value null at '{Camel(member)}' failed to satisfy constraint: Member must not be null");

    public static int? Int(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    public static IReadOnlyList<string> Strings(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    private static string Camel(string member) => char.ToLowerInvariant(member[0]) + member[1..];
}
