using System.Text.Encodings.Web;
using System.Text.Json;

namespace Paywatch.Core.Routing;

/// <summary>
/// Producer text made safe for an EventBridge input template. EventBridge puts an <c>InputPathsMap</c> value into the
/// template's JSON string as it is, unescaped (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html),
/// so a quote, backslash or control character in a transaction id would break the message. The escaped form (JSON's
/// escapes, without the quotes) goes in whole and reads back as the original once the message is read as JSON.
/// </summary>
public static class InputTemplateText
{
    // Relaxed: a message is text for people, so '<', '&' and non-ASCII letters stay as they are; quotes, backslashes and
    // control characters are still escaped, as JSON requires.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The text (UTF-8) as it may stand inside a JSON string.</summary>
    public static string Escape(ReadOnlySpan<byte> utf8) => JsonEncodedText.Encode(utf8, Encoder).Value;

    /// <summary>The text as it may stand inside a JSON string.</summary>
    public static string Escape(string text) => JsonEncodedText.Encode(text, Encoder).Value;
}
