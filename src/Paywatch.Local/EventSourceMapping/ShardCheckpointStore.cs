using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Storage;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// The mapping's durable position per shard: one file per shard in a folder of the data directory, holding one framed
/// record (<see cref="RecordFraming"/>, JSON inside) replaced atomically (<see cref="DurableFile"/>), so a crash
/// leaves the old checkpoint or the new one, never a torn one. A checkpoint names the last record whose processing
/// completed, with every record before it completed too; a restart resumes after it. A marker file says the mapping
/// exists, so a checkpoint missing later is told apart from a mapping created now.
/// </summary>
internal sealed class ShardCheckpointStore
{
    private const string MarkerFile = "mapping-created";
    private readonly string _directory;
    private readonly bool _flushToDisk;

    /// <param name="directory">The folder (created if missing).</param>
    /// <param name="flushToDisk">Whether each write is flushed to the device before the rename (survives power loss, not only a killed process).</param>
    /// <param name="report">Where repairs are reported.</param>
    public ShardCheckpointStore(string directory, bool flushToDisk, DataFolderReport report)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        _flushToDisk = flushToDisk;
        Report = report;
        Directory.CreateDirectory(directory);
        var marker = Path.Combine(directory, MarkerFile);
        // A folder of an earlier release has checkpoints but no marker: the mapping existed all the same.
        MappingExisted = File.Exists(marker) || Directory.EnumerateFiles(directory, "*.checkpoint*").Any();
        if (!File.Exists(marker))
        {
            DurableFile.Replace(marker, RecordFraming.Frame([]), flushToDisk);
        }
    }

    /// <summary>Whether the mapping had been created before this run (its folder held a marker or checkpoints).</summary>
    public bool MappingExisted { get; }

    public DataFolderReport Report { get; }

    /// <summary>The checkpoint of <paramref name="shardId"/>.</summary>
    /// <returns>
    /// What was found and, when found, After: the last completed record, or null for "before the first record"
    /// (TRIM_HORIZON).
    /// </returns>
    public (CheckpointState State, UInt128? After) Load(string shardId)
    {
        var path = PathOf(shardId);
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            if (!RecordFraming.TryRead(bytes, out var length, out var version))
            {
                return (CheckpointState.Unreadable, null);
            }

            if (version > RecordFraming.CurrentVersion)
            {
                throw DataFolderException.NewerVersion(path, version);
            }

            return Parse(bytes.AsMemory(RecordFraming.HeaderSize, length));
        }

        // Written by an earlier release: plain JSON under the old name; the next save writes the current format.
        var legacy = path + ".json";
        return File.Exists(legacy) ? Parse(File.ReadAllBytes(legacy)) : (CheckpointState.Missing, null);
    }

    public void Save(string shardId, UInt128? after)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("shardId"u8, shardId);
            if (after is { } sequenceNumber)
            {
                writer.WriteString("sequenceNumber"u8, sequenceNumber.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteNull("sequenceNumber"u8);
            }

            writer.WriteEndObject();
        }

        var path = PathOf(shardId);
        DurableFile.Replace(path, RecordFraming.Frame(buffer.WrittenSpan), _flushToDisk);
        File.Delete(path + ".json");
    }

    public string PathOf(string shardId) => Path.Combine(_directory, shardId + ".checkpoint");

    private static (CheckpointState, UInt128?) Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var sequenceNumber = document.RootElement.GetProperty("sequenceNumber"u8);
            return sequenceNumber.ValueKind == JsonValueKind.Null
                ? (CheckpointState.Found, null)
                : (CheckpointState.Found, UInt128.Parse(sequenceNumber.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            return (CheckpointState.Unreadable, null);
        }
    }
}
