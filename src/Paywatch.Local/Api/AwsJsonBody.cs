using System.Text.Json;
using Paywatch.Local.Api.Protocols;

namespace Paywatch.Local.Api;

/// <summary>Reading AWS JSON-protocol request members (the neutral request), with AWS's validation errors.</summary>
internal static class AwsJsonBody
{
    /// <summary>Request bodies nest at most <see cref="RequestLimits.MaxDepth"/> levels: deeper is a JsonException, a 400.</summary>
    public static JsonDocumentOptions Options { get; } = new() { MaxDepth = RequestLimits.MaxDepth };

    /// <param name="body">The body; an empty one is <c>{}</c>.</param>
    /// <param name="errorType">The error for a body that is not a JSON object.</param>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body, string errorType = "SerializationException")
    {
        var document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, Options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new AwsServiceException(errorType, "The request body must be a JSON object.");
        }

        return document;
    }

    public static string? String(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string RequiredString(JsonElement request, string member, string errorType = "ValidationException") =>
        String(request, member) ?? throw new AwsServiceException(errorType, $"1 validation error detected: Value null at '{Camel(member)}' failed to satisfy constraint: Member must not be null");

    public static int? Int(JsonElement request, string member) => Long(request, member) is { } number and >= int.MinValue and <= int.MaxValue ? (int)number : null;

    public static long? Long(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    public static IReadOnlyList<string> Strings(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    /// <summary>
    /// A timestamp member: epoch seconds, as the JSON protocols send it (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html),
    /// or the ISO 8601 text callers may send instead; null when absent or outside what a date holds.
    /// </summary>
    public static DateTimeOffset? Time(JsonElement request, string member)
    {
        if (!request.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var seconds = value.ValueKind == JsonValueKind.Number ? value.GetDouble() : Timestamps.TryParse(value.GetString()!, out var time) ? Timestamps.EpochSeconds(time) : double.NaN;
        return seconds is >= -62_135_596_800 and <= 253_402_300_799 ? Timestamps.FromEpochSeconds(seconds) : null;
    }

    private static string Camel(string member) => char.ToLowerInvariant(member[0]) + member[1..];
}
