using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// A stream's <c>stream.json</c>: its shard count and creation time, with the format version of the folder. An
/// unreadable file is rebuilt from the shard folders beside it (their count is the shard count), and said so; a file
/// of a newer version is refused with its name.
/// </summary>
internal sealed record StreamMetadata(int ShardCount, DateTimeOffset Created)
{
    public const string FileName = "stream.json";

    public static StreamMetadata ReadOrCreate(DurableStreamOptions options, TimeProvider time, DataFolderReport report)
    {
        var path = Path.Combine(options.DataDirectory, FileName);
        if (!File.Exists(path))
        {
            var shardFolders = ShardFolders(options.DataDirectory);
            var created = new StreamMetadata(shardFolders > 0 ? shardFolders : options.ShardCount, time.GetUtcNow());
            if (shardFolders > 0)
            {
                report.Add(path, $"missing; rebuilt from the {shardFolders} shard folders beside it");
            }

            created.Save(path, options.StreamName);
            return created;
        }

        StreamMetadata read;
        int version;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            version = root.TryGetProperty("FormatVersion", out var stored) ? stored.GetInt32() : 0;
            if (version > RecordFraming.CurrentVersion)
            {
                throw DataFolderException.NewerVersion(path, version);
            }

            read = new StreamMetadata(
                root.GetProperty(nameof(ShardCount)).GetInt32(),
                DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("StreamCreationTimestamp").GetInt64()));
            if (read.ShardCount is < 1 or > 1000)
            {
                throw new FormatException($"ShardCount {read.ShardCount} is out of range");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return Rebuild(options, path, time, report, e.Message);
        }

        if (version < RecordFraming.CurrentVersion)
        {
            read.Save(path, options.StreamName);
            report.Add(path, $"format version {version} (an earlier release) upgraded to version {RecordFraming.CurrentVersion}");
        }

        return read;
    }

    private static StreamMetadata Rebuild(DurableStreamOptions options, string path, TimeProvider time, DataFolderReport report, string error)
    {
        var shardFolders = ShardFolders(options.DataDirectory);
        if (shardFolders == 0)
        {
            throw new DataFolderException(
                $"{path} is unreadable ({error}) and there are no shard folders beside it to rebuild it from. Move the stream's folder aside to start a new stream.");
        }

        var created = Directory.GetDirectories(options.DataDirectory, "shardId-*").Select(d => new DateTimeOffset(Directory.GetCreationTimeUtc(d), TimeSpan.Zero)).Min();
        var rebuilt = new StreamMetadata(shardFolders, created < time.GetUtcNow() ? created : time.GetUtcNow());
        rebuilt.Save(path, options.StreamName);
        report.Add(path, string.Create(CultureInfo.InvariantCulture,
            $"unreadable ({error}); rebuilt from the segment folders: {shardFolders} shards, created about {rebuilt.Created:u}; no record was touched"));
        return rebuilt;
    }

    private static int ShardFolders(string directory) => Directory.GetDirectories(directory, "shardId-*").Length;

    private void Save(string path, string streamName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("FormatVersion", RecordFraming.CurrentVersion);
            writer.WriteString("StreamName", streamName);
            writer.WriteNumber(nameof(ShardCount), ShardCount);
            writer.WriteNumber("StreamCreationTimestamp", Created.ToUnixTimeMilliseconds());
            writer.WriteEndObject();
        }

        DurableFile.Replace(path, buffer.ToArray());
    }
}
