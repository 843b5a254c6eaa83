using System.Text.Json;

namespace Paywatch.Monitoring.Alarms;

/// <summary>Reading the PutMetricAlarm / PutCompositeAlarm JSON shapes with messages that name the field.</summary>
internal static class AlarmJson
{
    public static JsonDocument ParseObject(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidAlarmDefinitionException("An alarm definition must be a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new InvalidAlarmDefinitionException($"The alarm definition is not valid JSON: {e.Message}");
        }
    }

    public static string RequiredString(JsonElement element, string field, string? alarm = null) =>
        String(element, field, alarm) ?? throw new InvalidAlarmDefinitionException($"{Prefix(alarm)}{field} is required.");

    public static string? String(JsonElement element, string field, string? alarm) =>
        !element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new InvalidAlarmDefinitionException($"{Prefix(alarm)}{field} must be a string.");

    public static int? Int(JsonElement element, string field, string alarm) =>
        !element.TryGetProperty(field, out var value) ? null
        : value.TryGetInt32(out var number) ? number
        : throw new InvalidAlarmDefinitionException($"{Prefix(alarm)}{field} must be an integer.");

    public static IReadOnlyList<string> Strings(JsonElement element, string field, string alarm) =>
        !element.TryGetProperty(field, out var value) ? []
        : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? [.. value.EnumerateArray().Select(v => v.GetString()!)]
            : throw new InvalidAlarmDefinitionException($"{Prefix(alarm)}{field} must be an array of strings.");

    /// <summary><c>Dimensions: [{"Name": ..., "Value": ...}]</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Dimensions(JsonElement element, string alarm) =>
        !element.TryGetProperty("Dimensions", out var dimensions) ? []
        : dimensions.ValueKind == JsonValueKind.Array
            ? [.. dimensions.EnumerateArray().Select(d => KeyValuePair.Create(RequiredString(d, "Name", alarm), RequiredString(d, "Value", alarm)))]
            : throw new InvalidAlarmDefinitionException($"{Prefix(alarm)}Dimensions must be an array of {{\"Name\", \"Value\"}}.");

    private static string Prefix(string? alarm) => alarm is null ? "" : $"Alarm {alarm}: ";
}

/// <summary>An alarm definition PutMetricAlarm or PutCompositeAlarm would reject.</summary>
public sealed class InvalidAlarmDefinitionException : Exception
{
    public InvalidAlarmDefinitionException()
    {
    }

    public InvalidAlarmDefinitionException(string message)
        : base(message)
    {
    }

    public InvalidAlarmDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
