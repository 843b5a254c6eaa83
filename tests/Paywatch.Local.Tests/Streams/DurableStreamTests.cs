using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Streams;

public sealed class DurableStreamTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_record_goes_to_the_shard_whose_range_holds_the_MD5_of_its_partition_key()
    {
        await using var stream = Open();
        var ranges = HashKeyRange.Split(5);

        foreach (var key in new[] { "test-1", "test-2", "test-3", "abc", "merch-456" })
        {
            var result = await stream.PutRecordAsync(Entry(key, "x"));
            var expected = Enumerable.Range(0, 5).Single(i => ranges[i].Contains(HashKeyRange.HashPartitionKey(key)));
            Assert.Equal($"shardId-00000000000{expected}", result.ShardId);
        }
    }

    [Fact]
    public async Task An_explicit_hash_key_overrides_the_partition_key()
    {
        await using var stream = Open();
        var ranges = HashKeyRange.Split(5);

        var atStart = await stream.PutRecordAsync(new PutRecordEntry("abc", new byte[] { 1 }, ranges[3].StartingHashKey));
        var atEnd = await stream.PutRecordAsync(new PutRecordEntry("abc", new byte[] { 1 }, ranges[3].EndingHashKey));
        var last = await stream.PutRecordAsync(new PutRecordEntry("abc", new byte[] { 1 }, UInt128.MaxValue));

        Assert.Equal("shardId-000000000003", atStart.ShardId);
        Assert.Equal("shardId-000000000003", atEnd.ShardId);
        Assert.Equal("shardId-000000000004", last.ShardId);
    }

    [Fact]
    public async Task Sequence_numbers_increase_within_a_shard_and_reads_return_them_in_order()
    {
        await using var stream = Open();

        var results = await stream.PutRecordsAsync([.. Enumerable.Range(0, 50).Select(i => Entry("same-key", $"r{i}"))]);

        Assert.Single(results.Select(r => r.ShardId).Distinct());
        var sequenceNumbers = results.Select(r => r.SequenceNumber!.Value).ToList();
        Assert.Equal(sequenceNumbers.Order(), sequenceNumbers);
        Assert.Equal(50, sequenceNumbers.Distinct().Count());
        var read = stream.Read(results[0].ShardId, null, 100, 1 << 20);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"r{i}"), read.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal(sequenceNumbers, read.Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Read_starts_after_the_given_sequence_number_and_honours_its_limits()
    {
        await using var stream = Open();
        var results = await stream.PutRecordsAsync([.. Enumerable.Range(0, 10).Select(i => Entry("k", new string('a', 100)))]);
        var shard = results[0].ShardId;

        Assert.Equal(results.Skip(4).Select(r => r.SequenceNumber), stream.Read(shard, results[3].SequenceNumber, 100, 1 << 20).Select(r => (UInt128?)r.SequenceNumber));
        Assert.Equal(3, stream.Read(shard, null, 3, 1 << 20).Count);
        Assert.Equal(2, stream.Read(shard, null, 100, 250).Count);
        // At least one record, even when it alone is larger than maxBytes.
        Assert.Single(stream.Read(shard, null, 100, 10));
    }

    [Fact]
    public async Task Reopening_the_folder_recovers_every_record_and_continues_the_sequence()
    {
        IReadOnlyList<PutRecordResult> before;
        await using (var stream = Open())
        {
            before = await stream.PutRecordsAsync([.. Enumerable.Range(0, 200).Select(i => Entry($"key-{i}", $"data-{i}"))]);
        }

        await using var reopened = Open();
        foreach (var shard in reopened.ShardIds)
        {
            var expected = before.Where(r => r.ShardId == shard).Select(r => r.SequenceNumber!.Value).ToList();
            Assert.Equal(expected, reopened.Read(shard, null, 1000, 1 << 20).Select(r => r.SequenceNumber));
        }

        var next = await reopened.PutRecordAsync(Entry("key-0", "after restart"));
        Assert.True(next.SequenceNumber > before.Where(r => r.ShardId == next.ShardId).Max(r => r.SequenceNumber));
        Assert.Equal(_time.GetUtcNow(), reopened.Read(next.ShardId, null, 1000, 1 << 20)[0].ApproximateArrivalTimestamp);
    }

    [Theory]
    [InlineData("short frame")]
    [InlineData("bad checksum")]
    public async Task A_torn_tail_is_cut_off_on_open_and_the_records_before_it_survive(string damage)
    {
        string shard;
        await using (var stream = Open())
        {
            shard = (await stream.PutRecordsAsync([Entry("k", "one"), Entry("k", "two"), Entry("k", "three")]))[0].ShardId;
        }

        var segment = Directory.GetFiles(Path.Combine(_folder.Path, shard), "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        if (damage == "short frame")
        {
            // A crash mid-write: the last frame's header and half its payload reached the disk.
            File.WriteAllBytes(segment, bytes[..^10]);
        }
        else
        {
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(segment, bytes);
        }

        await using (var reopened = Open())
        {
            Assert.Equal(["one", "two"], reopened.Read(shard, null, 10, 1 << 20).Select(r => Encoding.UTF8.GetString(r.Data.Span)));
            await reopened.PutRecordAsync(Entry("k", "four"));
        }

        // The truncation made room for new frames: nothing written after recovery is hidden behind the torn bytes.
        await using var again = Open();
        Assert.Equal(["one", "two", "four"], again.Read(shard, null, 10, 1 << 20).Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact]
    public async Task Records_older_than_the_retention_period_are_dropped()
    {
        await using var stream = Open();
        var old = await stream.PutRecordAsync(Entry("k", "old"));
        _time.Advance(TimeSpan.FromHours(23));
        await stream.PutRecordAsync(Entry("k", "recent"));

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Equal(["recent"], stream.Read(old.ShardId, null, 10, 1 << 20).Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        _time.Advance(TimeSpan.FromHours(24));
        Assert.Empty(stream.Read(old.ShardId, null, 10, 1 << 20));
        Assert.Equal(old.SequenceNumber + 1, stream.LatestSequenceNumber(old.ShardId));
    }

    [Fact]
    public async Task Retention_removes_old_segments_from_disk_but_keeps_the_newest()
    {
        await using var stream = Open(o => o with { SegmentBytes = 100 });
        var first = await stream.PutRecordAsync(Entry("k", new string('a', 200)));
        await stream.PutRecordAsync(Entry("k", new string('b', 200)));
        var shardFolder = Path.Combine(_folder.Path, first.ShardId);
        Assert.Equal(2, Directory.GetFiles(shardFolder, "*.seg").Length);

        _time.Advance(TimeSpan.FromHours(25));
        await stream.PutRecordAsync(Entry("k", "c"));

        Assert.Single(Directory.GetFiles(shardFolder, "*.seg"));
    }

    [Fact]
    public async Task Segments_past_retention_are_deleted_at_the_next_start_without_a_write()
    {
        string shardId;
        await using (var stream = Open(o => o with { SegmentBytes = 100 }))
        {
            shardId = (await stream.PutRecordAsync(Entry("k", new string('a', 200)))).ShardId;
            await stream.PutRecordAsync(Entry("k", new string('b', 200)));
        }

        var shardFolder = Path.Combine(_folder.Path, shardId);
        Assert.Equal(2, Directory.GetFiles(shardFolder, "*.seg").Length);
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        await using var reopened = Open(o => o with { SegmentBytes = 100 });

        Assert.Single(Directory.GetFiles(shardFolder, "*.seg"));
        Assert.Empty(reopened.Read(shardId, null, 10, 1 << 20));
    }

    [Fact]
    public async Task The_size_cap_deletes_the_oldest_whole_segments_and_their_records()
    {
        // A 200-byte record is a 239-byte frame (12-byte header, 16 + 8 + 2 + 1 bytes of sequence number, arrival
        // time and key): with 100-byte segments each record has a segment of its own, and 500 bytes hold two.
        await using var stream = Open(o => o with { SegmentBytes = 100, MaxBytesPerShard = 500 });
        var written = new List<PutRecordResult>();
        for (var i = 0; i < 10; i++)
        {
            written.Add(await stream.PutRecordAsync(Entry("k", i + new string('x', 199))));
        }

        var shardId = written[0].ShardId;
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_folder.Path, shardId), "*.seg").Length);
        Assert.Equal(8, stream.RecordsDeletedBySizeCap);
        var kept = stream.Read(shardId, null, 100, 1 << 20);
        Assert.Equal(written.Skip(8).Select(r => r.SequenceNumber!.Value), kept.Select(r => r.SequenceNumber));
        // A reader that was behind what the cap deleted moves on to the oldest record kept, as past retention.
        Assert.Equal(written[8].SequenceNumber, stream.Read(shardId, written[1].SequenceNumber, 100, 1 << 20)[0].SequenceNumber);
        Assert.Equal(written[9].SequenceNumber, stream.LatestSequenceNumber(shardId));
    }

    [Fact]
    public async Task A_folder_over_the_size_cap_is_cut_once_the_consumer_is_known_and_the_start_says_so()
    {
        var written = new List<PutRecordResult>();
        await using (var stream = Open(o => o with { SegmentBytes = 100 }))
        {
            for (var i = 0; i < 4; i++)
            {
                written.Add(await stream.PutRecordAsync(Entry("k", new string('a', 200))));
            }
        }

        var report = new Paywatch.Local.Storage.DataFolderReport();
        await using var reopened = DurableStream.Open(
            new DurableStreamOptions("transaction-stream-local", _folder.Path) { SegmentBytes = 100, MaxBytesPerShard = 500 }, _time, report: report);
        Assert.Empty(report.Lines);

        // The consumer has processed all four: the two oldest go, as 500 bytes hold two 239-byte segments.
        reopened.KeepUnprocessed(_ => written[^1].SequenceNumber, report);

        var line = Assert.Single(report.Lines);
        Assert.Contains("size cap of 500 bytes", line, StringComparison.Ordinal);
        Assert.Contains("2 records", line, StringComparison.Ordinal);
        Assert.Equal(2, reopened.RecordsDeletedBySizeCap);
        Assert.Equal(0, reopened.BytesHeldOverSizeCap);
    }

    [Fact]
    public async Task The_size_cap_keeps_what_the_consumer_has_not_processed_and_deletes_it_once_processed()
    {
        await using var stream = Open(o => o with { SegmentBytes = 100, MaxBytesPerShard = 500 });
        var written = new List<PutRecordResult>();
        UInt128? checkpoint = null;
        var report = new Paywatch.Local.Storage.DataFolderReport();
        stream.KeepUnprocessed(_ => checkpoint, report);

        // Nothing processed: ten 239-byte segments, 2,390 bytes, all kept past the 500-byte cap.
        for (var i = 0; i < 10; i++)
        {
            written.Add(await stream.PutRecordAsync(Entry("k", i + new string('x', 199))));
        }

        var shardId = written[0].ShardId;
        Assert.Equal(0, stream.RecordsDeletedBySizeCap);
        Assert.Equal(10, Directory.GetFiles(Path.Combine(_folder.Path, shardId), "*.seg").Length);
        Assert.Equal(2390 - 500, stream.BytesHeldOverSizeCap);
        Assert.Equal(written.Select(r => r.SequenceNumber!.Value), stream.Read(shardId, null, 100, 1 << 20).Select(r => r.SequenceNumber));

        // Five processed: the next write's cap deletes those five segments and no more (the sixth holds an unprocessed record).
        checkpoint = written[4].SequenceNumber;
        written.Add(await stream.PutRecordAsync(Entry("k", "10" + new string('x', 198))));

        Assert.Equal(5, stream.RecordsDeletedBySizeCap);
        Assert.Equal(written.Skip(5).Select(r => r.SequenceNumber!.Value), stream.Read(shardId, null, 100, 1 << 20).Select(r => r.SequenceNumber));
        Assert.Equal((6 * 239) - 500, stream.BytesHeldOverSizeCap);
        Assert.Empty(report.Lines);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_when_a_record_is_written()
    {
        await using var stream = Open();
        var shard = stream.ShardFor(Entry("k", "x"));
        var wait = stream.WaitForRecordsAsync(shard, null, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        var written = await stream.PutRecordAsync(Entry("k", "x"));

        await wait.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var after = stream.WaitForRecordsAsync(shard, written.SequenceNumber, CancellationToken.None);
        Assert.False(after.IsCompleted);
        await stream.PutRecordAsync(Entry("k", "y"));
        await after.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    /// <summary>"Each shard can support ... up to 1,000 records per second for writes" (Kinesis Data Streams quotas and limits).</summary>
    [Fact]
    public async Task With_write_limits_the_1001st_record_in_a_second_is_throttled()
    {
        await using var stream = Open(o => o with { EnforceShardWriteLimits = true });
        var first = await stream.PutRecordsAsync([.. Enumerable.Range(0, 500).Select(_ => Entry("k", "x"))]);
        var second = await stream.PutRecordsAsync([.. Enumerable.Range(0, 501).Select(_ => Entry("k", "x"))]);

        Assert.All(first, r => Assert.True(r.Succeeded));
        Assert.Equal(500, second.Count(r => r.Succeeded));
        var refused = second[^1];
        Assert.Equal("ProvisionedThroughputExceededException", refused.ErrorCode);
        Assert.Equal($"Rate exceeded for shard {refused.ShardId} in stream transaction-stream-local under account 000000000000.", refused.ErrorMessage);
        Assert.Equal(1, stream.WriteThrottledRecords);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await stream.PutRecordAsync(Entry("k", "x"))).Succeeded);
    }

    /// <summary>"... up to a maximum total data write rate of 1 MiB per second (including partition keys)".</summary>
    [Fact]
    public async Task With_write_limits_a_shard_takes_at_most_one_MiB_a_second_partition_keys_included()
    {
        await using var stream = Open(o => o with { EnforceShardWriteLimits = true });
        var data = new byte[(512 * 1024) - 1];

        var first = await stream.PutRecordAsync(new PutRecordEntry("k", data));
        var second = await stream.PutRecordAsync(new PutRecordEntry("k", data));
        // Without its key this record would fit: 2 × (512 KiB − 1) + 1 < 1 MiB.
        var third = await stream.PutRecordAsync(new PutRecordEntry("k", new byte[1]));

        Assert.True(first.Succeeded);
        Assert.True(second.Succeeded);
        Assert.False(third.Succeeded);
    }

    [Fact]
    public async Task Without_write_limits_nothing_is_throttled()
    {
        await using var stream = Open();

        var results = await stream.PutRecordsAsync([.. Enumerable.Range(0, 2000).Select(_ => Entry("k", "x"))]);

        Assert.All(results, r => Assert.True(r.Succeeded));
    }

    [Fact]
    public async Task Records_beyond_the_memory_limit_are_read_back_from_the_segment_files_in_order()
    {
        await using var stream = Open(o => o with { MemoryBytesPerShard = 100, SegmentBytes = 700 });
        var written = new List<PutRecordResult>();
        for (var i = 0; i < 60; i++)
        {
            written.Add(await stream.PutRecordAsync(Entry("k", $"record-{i:D3}")));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var shard = written[0].ShardId;
        Assert.True(Directory.GetFiles(Path.Combine(_folder.Path, shard)).Length > 3);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"record-{i:D3}"), ReadAll(stream, shard, pageSize: 7));
        Assert.Equal(["record-021", "record-022"], stream.Read(shard, written[20].SequenceNumber, 2, 1 << 20).Select(Text));
        Assert.Equal(written[30].SequenceNumber - 1, stream.PositionAt(shard, new DateTimeOffset(2026, 11, 26, 12, 0, 30, TimeSpan.Zero)));

        await stream.DisposeAsync();
        await using var reopened = Open(o => o with { MemoryBytesPerShard = 100, SegmentBytes = 700 });
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"record-{i:D3}"), ReadAll(reopened, shard, pageSize: 11));
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(30, 30).Select(i => $"record-{i:D3}"), ReadAll(reopened, shard, pageSize: 5));
    }

    private static List<string> ReadAll(DurableStream stream, string shard, int pageSize)
    {
        var all = new List<string>();
        UInt128? after = null;
        while (stream.Read(shard, after, pageSize, 1 << 20) is { Count: > 0 } page)
        {
            all.AddRange(page.Select(Text));
            after = page[^1].SequenceNumber;
        }

        return all;
    }

    private static string Text(StoredRecord record) => Encoding.UTF8.GetString(record.Data.Span);

    private DurableStream Open(Func<DurableStreamOptions, DurableStreamOptions>? configure = null) =>
        DurableStream.Open((configure ?? (o => o))(new DurableStreamOptions("transaction-stream-local", _folder.Path)), _time);

    private static PutRecordEntry Entry(string key, string data) => new(key, Encoding.UTF8.GetBytes(data));
}
