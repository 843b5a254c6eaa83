using System.Buffers;
using System.Text.Json;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// A span as a journal record of <see cref="TraceStateStore"/>:
/// <c>{"n"(name),"t"(trace id),"s"(span id),"p"(parent span id, if any),"st"(start, ticks UTC),"d"(duration, ticks),"e"(error, if so),"g":[key,value,..]}</c>.
/// </summary>
internal static class SpanJournalRecord
{
    public static void Write(Utf8JsonWriter writer, SpanRecord span)
    {
        writer.WriteStartObject();
        writer.WriteString("n", span.Name);
        writer.WriteString("t", span.TraceId);
        writer.WriteString("s", span.SpanId);
        if (span.ParentSpanId is { } parent)
        {
            writer.WriteString("p", parent);
        }

        writer.WriteNumber("st", span.Start.UtcTicks);
        writer.WriteNumber("d", span.Duration.Ticks);
        if (span.IsError)
        {
            writer.WriteBoolean("e", true);
        }

        writer.WriteStartArray("g");
        foreach (var (key, value) in span.Tags)
        {
            writer.WriteStringValue(key);
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <exception cref="FormatException">The record is JSON but not a span.</exception>
    public static SpanRecord Read(JsonElement record)
    {
        try
        {
            var tags = new List<KeyValuePair<string, string>>();
            using (var items = record.GetProperty("g").EnumerateArray())
            {
                while (items.MoveNext())
                {
                    var key = items.Current.GetString()!;
                    tags.Add(KeyValuePair.Create(key, items.MoveNext() ? items.Current.GetString()! : throw new FormatException("Tags come in pairs.")));
                }
            }

            var span = new SpanRecord(
                record.GetProperty("n").GetString()!,
                record.GetProperty("t").GetString()!,
                record.GetProperty("s").GetString()!,
                record.TryGetProperty("p", out var parent) ? parent.GetString() : null,
                new DateTimeOffset(record.GetProperty("st").GetInt64(), TimeSpan.Zero),
                TimeSpan.FromTicks(record.GetProperty("d").GetInt64()),
                record.TryGetProperty("e", out var error) && error.GetBoolean(),
                tags);
            return IsHex(span.TraceId, 32) && IsHex(span.SpanId, 16) && (span.ParentSpanId is null || IsHex(span.ParentSpanId, 16))
                ? span
                : throw new FormatException("A span's ids are hexadecimal: 32 digits for the trace, 16 for a span.");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("Not a span record.", e);
        }
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsHex(string id, int digits) => id.Length == digits && !id.AsSpan().ContainsAnyExcept(HexDigits);
}
