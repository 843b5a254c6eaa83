using System.Text.Json;

namespace Paywatch.Aws.Runtime;

/// <summary>
/// The error document the Runtime API takes on <c>/invocation/{id}/error</c> and <c>/init/error</c>:
/// <c>errorMessage</c>, <c>errorType</c> and <c>stackTrace</c>, with <paramref name="ErrorType"/> repeated in the
/// <c>Lambda-Runtime-Function-Error-Type</c> header.
/// </summary>
public sealed record RuntimeError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    /// <summary>The error type, message and stack of <paramref name="exception"/>, as Lambda's managed runtimes report them.</summary>
    public static RuntimeError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var stack = exception.StackTrace is { } trace
            ? trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new RuntimeError(exception.GetType().Name, exception.Message, stack);
    }

    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage"u8, ErrorMessage);
            writer.WriteString("errorType"u8, ErrorType);
            writer.WriteStartArray("stackTrace"u8);
            foreach (var frame in StackTrace)
            {
                writer.WriteStringValue(frame);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
