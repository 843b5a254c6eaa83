using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Functions;
using Paywatch.Local.Storage;
using Paywatch.Local.Streams;
using Paywatch.Local.Tests.EventSourceMapping;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Storage;

/// <summary>
/// The damage suite for the stream and the mapping's checkpoints: a folder is damaged between two runs (after a
/// clean stop, or as a kill -9 left it), the next run starts, reports what it repaired, processes every acknowledged
/// record not in the damaged bytes at least once, and processes every record written after it.
/// </summary>
public sealed class StreamDamageTests : IDisposable
{
    private const string Shard = "shardId-000000000000";
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly List<string> _processed = [];

    private string StreamFolder => Path.Combine(Data, "stream");

    private string ShardFolder => Path.Combine(StreamFolder, Shard);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("segment tail cut mid-record", false)]
    [InlineData("segment tail cut mid-record", true)]
    [InlineData("newest segment zero-filled", false)]
    [InlineData("newest segment zero-filled", true)]
    [InlineData("newest segment deleted", false)]
    [InlineData("newest segment deleted", true)]
    [InlineData("middle record damaged", false)]
    [InlineData("checkpoint deleted", false)]
    [InlineData("checkpoint deleted", true)]
    [InlineData("checkpoint garbage", false)]
    [InlineData("stream.json garbage", false)]
    [InlineData("high-water mark and newest segment deleted", false)]
    public async Task After_damage_the_twin_starts_reports_it_and_loses_only_the_damaged_records(string damage, bool crash)
    {
        // First run: 30 records processed (the checkpoint is past them), then 5 more acknowledged and not processed.
        var acknowledged = new List<(string Data, UInt128 SequenceNumber)>();
        var firstRun = await RunAsync(async (stream, mapping) =>
        {
            await PutAsync(stream, acknowledged, 0, 30);
            await mapping.PollUntilIdleAsync();
            await PutAsync(stream, acknowledged, 30, 5);
        }, crashImage: crash);
        Assert.Empty(firstRun);
        var folder = crash ? CrashImage : Data;

        var lost = Damage(folder, damage);

        // Second run, on the damaged folder: what was there is processed, then 5 new records.
        var report = await RunAsync(async (stream, mapping) =>
        {
            await mapping.PollUntilIdleAsync();
            await PutAsync(stream, acknowledged, 35, 5);
            await mapping.PollUntilIdleAsync();
        }, folder: folder);

        Assert.NotEmpty(report);
        Assert.All(report, line => Assert.StartsWith(folder, line, StringComparison.Ordinal));
        var lostData = lost.Select(s => acknowledged.Take(35).Single(r => r.SequenceNumber == s).Data);
        var expected = acknowledged.Select(r => r.Data).Except(lostData).ToList();
        Assert.Empty(expected.Except(_processed));
        Assert.Contains("r39", _processed);
        if (damage != "high-water mark and newest segment deleted")
        {
            // With both gone nothing remembers the lost numbers; the new records are still above the checkpoint.
            Assert.True(acknowledged.Select(r => r.SequenceNumber).Distinct().Count() == acknowledged.Count, "a sequence number was handed out twice");
        }
    }

    [Fact]
    public async Task A_stream_json_of_a_newer_format_is_refused_with_the_file_named()
    {
        await RunAsync((_, _) => Task.CompletedTask);
        var metadata = Path.Combine(StreamFolder, "stream.json");
        await File.WriteAllTextAsync(metadata, """{"FormatVersion":9,"ShardCount":1,"StreamCreationTimestamp":0}""");

        var refused = Assert.Throws<DataFolderException>(() => DurableStream.Open(Options(StreamFolder), _time));

        Assert.Contains(metadata, refused.Message, StringComparison.Ordinal);
        Assert.Contains("version 9", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_of_an_earlier_release_is_upgraded_and_its_records_kept()
    {
        var acknowledged = new List<(string Data, UInt128 SequenceNumber)>();
        await RunAsync((stream, _) => PutAsync(stream, acknowledged, 0, 3));
        // The unversioned frame of earlier releases: [length u32][CRC-32 of payload u32][payload].
        foreach (var segment in Directory.GetFiles(ShardFolder, "*.seg"))
        {
            var scan = FramedScan.Of(File.ReadAllBytes(segment));
            using var legacy = new MemoryStream();
            foreach (var (_, payload) in scan.Records)
            {
                var header = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(payload.Span));
                legacy.Write(header);
                legacy.Write(payload.Span);
            }

            await File.WriteAllBytesAsync(segment, legacy.ToArray());
        }

        File.Delete(Path.Combine(ShardFolder, ShardHighWaterMark.FileName));

        var report = new DataFolderReport();
        await using var reopened = DurableStream.Open(Options(StreamFolder), _time, report: report);

        Assert.Equal(acknowledged.Select(r => r.Data), reopened.Read(Shard, null, 10, 1 << 20).Select(r => Encoding.UTF8.GetString(r.Data.Span).TrimEnd('.')));
        Assert.Contains(report.Lines, l => l.Contains("format version 0", StringComparison.Ordinal));
    }

    private string CrashImage => Path.Combine(_folder.Path, "crash");

    private string Data => Path.Combine(_folder.Path, "run");

    private static DurableStreamOptions Options(string folder) => new("damage", folder) { ShardCount = 1, SegmentBytes = 1000 };

    private static async Task PutAsync(DurableStream stream, List<(string Data, UInt128 SequenceNumber)> acknowledged, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var data = $"r{i}";
            var result = await stream.PutRecordAsync(new PutRecordEntry("key", Encoding.UTF8.GetBytes(data + new string('.', 100))));
            acknowledged.Add((data, result.SequenceNumber!.Value));
        }
    }

    /// <summary>One run of the stream and the mapping (LATEST, as the twin's) on a folder; returns what the start reported.</summary>
    /// <param name="crashImage">Copy the folder to <see cref="CrashImage"/> before stopping: what a kill -9 would leave.</param>
    private async Task<IReadOnlyList<string>> RunAsync(Func<DurableStream, KinesisEventSourceMapping, Task> work, string? folder = null, bool crashImage = false)
    {
        folder ??= Data;
        var report = new DataFolderReport();
        var function = new ScriptedFunction();
        var metrics = new MetricStore(TimeSpan.FromHours(1));
        await using var stream = DurableStream.Open(Options(Path.Combine(folder, "stream")), _time, report: report);
        using var host = new LocalFunctionHost(new LocalFunctionOptions(), () => function, metrics, _time);
        await using (var mapping = new KinesisEventSourceMapping(
            MappingFixture.Defaults with { StartingPosition = StartingPosition.Latest }, stream, host, null, Path.Combine(folder, "checkpoints"), _time, report: report))
        {
            await mapping.PollOnceAsync();
            await work(stream, mapping);
            if (crashImage)
            {
                CopyFolder(folder, CrashImage);
            }
        }

        _processed.AddRange(function.EventList.SelectMany(ScriptedFunction.Data).Select(d => d.TrimEnd('.')));
        return report.Lines;
    }

    /// <returns>The sequence numbers of the acknowledged records the damage destroyed.</returns>
    private static List<UInt128> Damage(string folder, string damage)
    {
        var shardFolder = Path.Combine(folder, "stream", Shard);
        var newest = Directory.GetFiles(shardFolder, "*.seg").Order(StringComparer.Ordinal).Last();
        var inNewest = FramedScan.Of(File.ReadAllBytes(newest)).Records
            .Select(r => RecordFrame.TryDecode(r.Payload, out var record) ? record!.SequenceNumber : throw new InvalidDataException()).ToList();
        var checkpoint = Path.Combine(folder, "checkpoints", Shard + ".checkpoint");
        switch (damage)
        {
            case "segment tail cut mid-record":
                var bytes = File.ReadAllBytes(newest);
                File.WriteAllBytes(newest, bytes[..^20]);
                return [inNewest[^1]];
            case "newest segment zero-filled":
                File.WriteAllBytes(newest, new byte[new FileInfo(newest).Length]);
                return inNewest;
            case "newest segment deleted":
                File.Delete(newest);
                return inNewest;
            case "high-water mark and newest segment deleted":
                File.Delete(newest);
                File.Delete(Path.Combine(shardFolder, ShardHighWaterMark.FileName));
                return inNewest;
            case "middle record damaged":
                var oldest = Directory.GetFiles(shardFolder, "*.seg").Order(StringComparer.Ordinal).First();
                var segment = File.ReadAllBytes(oldest);
                var scan = FramedScan.Of(segment);
                var hit = RecordFrame.TryDecode(scan.Records[2].Payload, out var third) ? third!.SequenceNumber : 0;
                segment[scan.Records[2].Offset + 20] ^= 0xFF;
                File.WriteAllBytes(oldest, segment);
                return [hit];
            case "checkpoint deleted":
                File.Delete(checkpoint);
                return [];
            case "checkpoint garbage":
                File.WriteAllText(checkpoint, "{\"shardId\": garbage");
                return [];
            case "stream.json garbage":
                File.WriteAllText(Path.Combine(folder, "stream", "stream.json"), "{\"ShardCount\": ");
                return [];
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
