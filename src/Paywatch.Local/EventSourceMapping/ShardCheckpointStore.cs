using System.Globalization;
using System.Text.Json;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// The mapping's durable position per shard: one small JSON file per shard in a folder of the data directory,
/// replaced atomically (written to a temporary file, flushed, renamed over the old one), so a crash leaves either the
/// old or the new checkpoint, never a torn one. A checkpoint names the last record whose processing completed, with
/// every record before it completed too; a restart resumes after it.
/// </summary>
internal sealed class ShardCheckpointStore
{
    private readonly string _directory;
    private readonly bool _flushToDisk;

    /// <param name="directory">The folder (created if missing).</param>
    /// <param name="flushToDisk">Whether each write is flushed to the device before the rename (survives power loss, not only a killed process).</param>
    public ShardCheckpointStore(string directory, bool flushToDisk)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        _flushToDisk = flushToDisk;
        Directory.CreateDirectory(directory);
    }

    /// <summary>The checkpoint of <paramref name="shardId"/>.</summary>
    /// <returns>
    /// Found = false when there is none. Otherwise After is the last completed record, or null for "before the first
    /// record" (TRIM_HORIZON). A file that cannot be read also gives TRIM_HORIZON: reprocessing is safe, skipping is not.
    /// </returns>
    public (bool Found, UInt128? After) Load(string shardId)
    {
        var path = PathOf(shardId);
        if (!File.Exists(path))
        {
            return (false, null);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var sequenceNumber = document.RootElement.GetProperty("sequenceNumber"u8);
            return sequenceNumber.ValueKind == JsonValueKind.Null
                ? (true, null)
                : (true, UInt128.Parse(sequenceNumber.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            return (true, null);
        }
    }

    public void Save(string shardId, UInt128? after)
    {
        var path = PathOf(shardId);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            using (var writer = new Utf8JsonWriter(stream))
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

            stream.Flush(_flushToDisk);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string shardId) => Path.Combine(_directory, shardId + ".checkpoint.json");
}
