using System.Buffers;
using System.Text.Json;
using Paywatch.Local.Storage;
using Paywatch.Monitoring.Alarms;

namespace Paywatch.Local.Alarms;

/// <summary>
/// The alarms' states and recent history in the data folder (<c>alarms/alarm-state</c>: one framed JSON record,
/// <see cref="RecordFraming"/>, replaced atomically, <see cref="DurableFile"/>), so an alarm in ALARM before a stop is
/// in ALARM after it, and DescribeAlarmHistory reads the same, as CloudWatch keeps both. Written after each evaluation
/// that changed a state: at most once a minute.
/// </summary>
/// <remarks>
/// Record: <c>{"alarms":[{"name","state","reason","updated"(ms)}],"history":[{"name","old","new","reason","at"(ms),"actions":[..]}]}</c>.
/// </remarks>
internal sealed class AlarmStateStore(string path, bool flushToDisk = true)
{
    public const string FileName = "alarm-state";

    public string Path { get; } = path;

    /// <summary>What the last run kept; empty when there is no file.</summary>
    /// <exception cref="DataFolderException">The file is of a newer format version.</exception>
    public SavedAlarms Load(DataFolderReport report)
    {
        if (!File.Exists(Path))
        {
            return SavedAlarms.None;
        }

        var bytes = File.ReadAllBytes(Path);
        if (RecordFraming.TryRead(bytes, out var length, out var version))
        {
            if (version > RecordFraming.CurrentVersion)
            {
                throw DataFolderException.NewerVersion(Path, version);
            }

            try
            {
                return Parse(bytes.AsMemory(RecordFraming.HeaderSize, length));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // Falls through to the report: a whole frame whose JSON is not ours is as unreadable as a damaged one.
            }
        }

        report.Add(Path, "unreadable: every alarm starts again in INSUFFICIENT_DATA, and their history is lost (the next evaluation sets the states from the metrics)");
        return SavedAlarms.None;
    }

    public void Save(IEnumerable<AlarmSnapshot> alarms, IEnumerable<AlarmTransition> history)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("alarms");
            foreach (var alarm in alarms)
            {
                writer.WriteStartObject();
                writer.WriteString("name", alarm.AlarmName);
                writer.WriteString("state", alarm.StateValue.ToApiName());
                writer.WriteString("reason", alarm.StateReason);
                writer.WriteNumber("updated", alarm.StateUpdatedTimestamp.ToUnixTimeMilliseconds());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("history");
            foreach (var transition in history)
            {
                writer.WriteStartObject();
                writer.WriteString("name", transition.AlarmName);
                writer.WriteString("old", transition.OldState.ToApiName());
                writer.WriteString("new", transition.NewState.ToApiName());
                writer.WriteString("reason", transition.Reason);
                writer.WriteNumber("at", transition.Timestamp.ToUnixTimeMilliseconds());
                writer.WriteStartArray("actions");
                foreach (var action in transition.Actions)
                {
                    writer.WriteStringValue(action);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        DurableFile.Replace(Path, RecordFraming.Frame(buffer.WrittenSpan), flushToDisk);
    }

    private static SavedAlarms Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var states = root.GetProperty("alarms").EnumerateArray()
            .Select(a => new SavedAlarmState(
                a.GetProperty("name").GetString()!,
                State(a.GetProperty("state")),
                a.GetProperty("reason").GetString()!,
                DateTimeOffset.FromUnixTimeMilliseconds(a.GetProperty("updated").GetInt64())))
            .ToList();
        var history = root.GetProperty("history").EnumerateArray()
            .Select(t => new AlarmTransition(
                t.GetProperty("name").GetString()!,
                State(t.GetProperty("old")),
                State(t.GetProperty("new")),
                t.GetProperty("reason").GetString()!,
                DateTimeOffset.FromUnixTimeMilliseconds(t.GetProperty("at").GetInt64()),
                [.. t.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!)]))
            .ToList();
        return new SavedAlarms(states, history);
    }

    private static AlarmState State(JsonElement element) =>
        AlarmStateNames.TryParse(element.GetString()!, out var state) ? state : throw new FormatException($"'{element.GetString()}' is not an alarm state.");
}
