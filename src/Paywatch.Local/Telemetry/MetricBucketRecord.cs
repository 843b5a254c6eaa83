using System.Globalization;
using System.Text.Json;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// A metric bucket as a journal record of <see cref="MetricStateStore"/>:
/// <c>{"ns","name","dims":{name:value},"t"(start, Unix s),"hr"(1-second bucket),"n","sum","min","max","z","p":[index,count,..],"m":[..]}</c>
/// (<c>z</c>, <c>p</c>, <c>m</c>: the percentile sketch's zero, positive and negative counts). A number JSON cannot
/// hold (a sum that overflowed) is written as text.
/// </summary>
internal static class MetricBucketRecord
{
    public static void Write(Utf8JsonWriter writer, MetricBucketState bucket)
    {
        writer.WriteStartObject();
        writer.WriteString("ns", bucket.Key.Namespace);
        writer.WriteString("name", bucket.Key.Name);
        writer.WriteStartObject("dims");
        foreach (var (name, value) in bucket.Key.Dimensions)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteNumber("t", bucket.StartSecond);
        if (bucket.HighResolution)
        {
            writer.WriteBoolean("hr", true);
        }

        writer.WriteNumber("n", bucket.Count);
        WriteDouble(writer, "sum", bucket.Sum);
        WriteDouble(writer, "min", bucket.Minimum);
        WriteDouble(writer, "max", bucket.Maximum);
        writer.WriteNumber("z", bucket.Sketch.Zero);
        WriteCounts(writer, "p", bucket.Sketch.Positive);
        WriteCounts(writer, "m", bucket.Sketch.Negative);
        writer.WriteEndObject();
    }

    /// <exception cref="FormatException">The record is JSON but not a bucket.</exception>
    public static MetricBucketState Read(JsonElement record)
    {
        try
        {
            var dimensions = record.GetProperty("dims").EnumerateObject().Select(d => KeyValuePair.Create(d.Name, d.Value.GetString()!));
            return new MetricBucketState(
                new MetricKey(record.GetProperty("ns").GetString()!, record.GetProperty("name").GetString()!, dimensions),
                record.GetProperty("t").GetInt64(),
                record.TryGetProperty("hr", out var highResolution) && highResolution.GetBoolean(),
                record.GetProperty("n").GetInt64(),
                ReadDouble(record.GetProperty("sum")),
                ReadDouble(record.GetProperty("min")),
                ReadDouble(record.GetProperty("max")),
                new QuantileSketchState(record.GetProperty("z").GetInt64(), ReadCounts(record.GetProperty("p")), ReadCounts(record.GetProperty("m"))));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("Not a metric bucket record.", e);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static double ReadDouble(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? double.Parse(element.GetString()!, CultureInfo.InvariantCulture) : element.GetDouble();

    private static void WriteCounts(Utf8JsonWriter writer, string name, IReadOnlyList<KeyValuePair<int, long>> counts)
    {
        writer.WriteStartArray(name);
        foreach (var (index, count) in counts)
        {
            writer.WriteNumberValue(index);
            writer.WriteNumberValue(count);
        }

        writer.WriteEndArray();
    }

    private static List<KeyValuePair<int, long>> ReadCounts(JsonElement array)
    {
        var counts = new List<KeyValuePair<int, long>>(array.GetArrayLength() / 2);
        using var items = array.EnumerateArray();
        while (items.MoveNext())
        {
            var index = items.Current.GetInt32();
            if (!items.MoveNext())
            {
                throw new FormatException("A sketch's counts come in pairs.");
            }

            counts.Add(KeyValuePair.Create(index, items.Current.GetInt64()));
        }

        return counts;
    }
}
