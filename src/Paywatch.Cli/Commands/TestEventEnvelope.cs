using System.Text.Json;

namespace Paywatch.Cli.Commands;

/// <summary>
/// What <c>TestEventPattern</c> asks of its event: a JSON object with the envelope fields EventBridge always sets
/// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html). The same fields as the twin's
/// TestEventPattern checks, so that <c>paywatch rules test</c> and <c>aws events test-event-pattern</c> against the twin agree;
/// the page also lists <c>resources</c>, which neither requires.
/// </summary>
internal static class TestEventEnvelope
{
    private static readonly string[] Fields = ["id", "account", "source", "time", "region", "detail-type"];

    /// <summary>Why the event would be refused, in the API's words, or null.</summary>
    public static string? Problem(string eventJson)
    {
        try
        {
            using var document = JsonDocument.Parse(eventJson);
            return document.RootElement.ValueKind != JsonValueKind.Object ? "it must be a JSON object."
                : Fields.FirstOrDefault(f => !document.RootElement.TryGetProperty(f, out _)) is { } missing ? $"Provided Event must have mandatory field {missing}"
                : null;
        }
        catch (JsonException)
        {
            return "it must be a JSON object.";
        }
    }
}
