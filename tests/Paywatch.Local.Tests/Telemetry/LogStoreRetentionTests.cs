using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Tests.Telemetry;

/// <summary>The log group keeps its retention (infra's <c>log_retention_days</c>) and a size cap, a whole segment at a time.</summary>
public sealed class LogStoreRetentionTests : IDisposable
{
    private const string Group = "/aws/lambda/transaction-processor-local";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Lines_are_kept_in_one_segment_per_hour_and_segments_past_the_retention_are_deleted()
    {
        using var logs = new LogStore(_folder.Path, Group, _time, new LogStoreOptions { Retention = TimeSpan.FromHours(2) });

        WriteLine(logs, "a");                      // 09:30, segment 09:30
        _time.Advance(TimeSpan.FromMinutes(20));
        WriteLine(logs, "b");                      // 09:50, same hour, same segment
        _time.Advance(TimeSpan.FromMinutes(20));
        WriteLine(logs, "c");                      // 10:10, segment 10:10
        Assert.Equal(2, logs.SegmentPaths.Count);

        _time.Advance(TimeSpan.FromHours(2));      // 12:10: the 09:30 segment ended at 10:10, over two hours ago
        WriteLine(logs, "d");

        Assert.Equal(["c", "d"], Ids(logs));
        Assert.Equal(2, logs.SegmentPaths.Count);
        Assert.Equal(logs.SegmentPaths, Directory.GetFiles(logs.SegmentFolder).Order(StringComparer.Ordinal));
        Assert.Equal(logs.SegmentPaths.Sum(p => new FileInfo(p).Length), logs.Bytes);
        Assert.Equal(logs.SegmentPaths[^1], logs.FilePath);
    }

    [Fact]
    public void An_idle_log_group_expires_at_its_next_query()
    {
        using var logs = new LogStore(_folder.Path, Group, _time, new LogStoreOptions { Retention = TimeSpan.FromDays(1) });
        WriteLine(logs, "old");
        _time.Advance(TimeSpan.FromHours(1));
        WriteLine(logs, "new");

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(["new"], Ids(logs));
        Assert.Single(Directory.GetFiles(logs.SegmentFolder));
    }

    [Fact]
    public void Past_the_size_cap_the_oldest_segments_go_first_and_the_disk_holds_no_more_than_the_cap()
    {
        var options = new LogStoreOptions { MaxBytes = 16 * 1024 };
        using var logs = new LogStore(_folder.Path, Group, _time, options);
        var line = Line("x", padding: 200);

        for (var i = 0; i < 500; i++)
        {
            WriteLine(logs, i.ToString("D3", CultureInfo.InvariantCulture));
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(DiskBytes(logs) <= options.MaxBytes, $"{DiskBytes(logs)} bytes on disk after {i + 1} lines");
        }

        var kept = Ids(logs);
        Assert.Equal("499", kept[^1]);
        Assert.True(kept.Count > 60, $"{kept.Count} lines kept");
        Assert.Equal(Enumerable.Range(500 - kept.Count, kept.Count).Select(i => i.ToString("D3", CultureInfo.InvariantCulture)), kept);
        Assert.True(line.Length * kept.Count > options.MaxBytes * 7 / 8 - line.Length, "no more than a segment is dropped at a time");
    }

    [Fact]
    public void A_query_with_a_time_range_reads_only_the_segments_that_overlap_it()
    {
        using var logs = new LogStore(_folder.Path, Group, _time);
        for (var hour = 0; hour < 6; hour++)
        {
            WriteLine(logs, $"h{hour}");
            _time.Advance(TimeSpan.FromHours(1));
        }

        var segments = logs.SegmentPaths;

        Assert.Equal(6, segments.Count);
        // 12:25 to 12:35: the 11:30 segment (written until 12:30) and the 12:30 one.
        Assert.Equal([segments[2], segments[3]], logs.SegmentsOverlapping(Start.AddHours(3).AddMinutes(-5), Start.AddHours(3).AddMinutes(5)));
        // 13:20 to 13:25: the 12:30 segment, and the 13:30 one, which may hold lines up to 15 minutes older than itself.
        Assert.Equal([segments[3], segments[4]], logs.SegmentsOverlapping(Start.AddHours(4).AddMinutes(-10), Start.AddHours(4).AddMinutes(-5)));
        Assert.Equal(segments, logs.SegmentsOverlapping(null, null));
        Assert.Equal([segments[5]], logs.SegmentsOverlapping(Start.AddHours(5).AddMinutes(20), null));
        var from = Start.AddHours(3).AddMinutes(-5);
        var until = Start.AddHours(3).AddMinutes(5);
        Assert.Equal(["h3"], Ids(logs, from, until));
    }

    [Fact]
    public void A_restarted_store_keeps_its_segments_and_adopts_the_single_file_of_earlier_twins()
    {
        var logsFolder = Path.Combine(_folder.Path, "logs");
        Directory.CreateDirectory(logsFolder);
        File.WriteAllText(Path.Combine(logsFolder, "aws_lambda_transaction-processor-local.jsonl"), Line("legacy"));
        using (var first = new LogStore(logsFolder, Group, _time))
        {
            WriteLine(first, "first");
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        using var second = new LogStore(logsFolder, Group, _time);
        WriteLine(second, "second");

        Assert.Equal(["legacy", "first", "second"], Ids(second));
        // The same hour: the restart appends to the segment it left.
        Assert.Equal(2, second.SegmentPaths.Count);
        Assert.False(File.Exists(Path.Combine(logsFolder, "aws_lambda_transaction-processor-local.jsonl")));
    }

    /// <summary>Ten days of a line every ten seconds, on the fake clock: the folder stays within the retention and the cap.</summary>
    [Fact]
    public void A_twin_left_running_for_days_stays_within_its_retention_and_cap()
    {
        var options = new LogStoreOptions { Retention = TimeSpan.FromDays(3), MaxBytes = 4 * 1024 * 1024 };
        using var logs = new LogStore(_folder.Path, Group, _time, options);
        var peak = 0L;

        for (var i = 0; i < 10 * 24 * 360; i++)
        {
            WriteLine(logs, i.ToString(CultureInfo.InvariantCulture));
            _time.Advance(TimeSpan.FromSeconds(10));
            peak = Math.Max(peak, logs.Bytes);
        }

        Assert.True(peak <= options.MaxBytes, $"peak {peak} bytes");
        Assert.True(logs.SegmentPaths.Count <= 3 * 24 + 1, $"{logs.SegmentPaths.Count} segments");
        var oldest = logs.SegmentsOverlapping(null, null)[0];
        Assert.True(DateTimeOffset.ParseExact(Path.GetFileNameWithoutExtension(oldest), "yyyy-MM-dd'T'HH-mm-ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            >= _time.GetUtcNow() - options.Retention - options.SegmentDuration);
    }

    private void WriteLine(LogStore logs, string id) => logs.Write(Encoding.UTF8.GetBytes(Line(id, time: _time.GetUtcNow())));

    private static string Line(string id, int padding = 0, DateTimeOffset? time = null) =>
        $$"""{"time":"{{(time ?? Start).ToString("O", CultureInfo.InvariantCulture)}}","level":"INFO","id":"{{id}}","pad":"{{new string('p', padding)}}"}""" + "\n";

    private static List<string> Ids(LogStore logs, DateTimeOffset? start = null, DateTimeOffset? end = null) =>
        [.. logs.Query("fields id | sort @timestamp asc | limit 10000", start, end).Rows.Select(r => r[0].ToString())];

    private static long DiskBytes(LogStore logs) => Directory.GetFiles(logs.SegmentFolder).Sum(p => new FileInfo(p).Length);
}
