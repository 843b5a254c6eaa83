using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Storage;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Telemetry;

/// <summary>
/// The metric and trace stores kept in the data folder: saved every interval of the twin's clock and at a stop, read
/// back the same, and bounded on disk as in memory.
/// </summary>
public sealed class TelemetryStateStoreTests : IDisposable
{
    private static readonly MetricKey Requests = new("Custom", "Requests", [KeyValuePair.Create("Route", "/pay")]);
    private static readonly ActivitySource Source = new("Paywatch.Local.Tests.TelemetryStateStore");
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Metric_changes_are_saved_each_interval_and_a_killed_process_loses_at_most_the_last_one()
    {
        var metrics = new MetricStore(TimeSpan.FromHours(3));
        var state = new MetricStateStore(_folder.Path, metrics, _time, new DataFolderReport(), flushToDisk: false);
        metrics.Put(Requests, _time.GetUtcNow(), 1);
        _time.Advance(MetricStateStore.SaveInterval);
        metrics.Put(Requests, _time.GetUtcNow(), 2);

        // A kill -9 now: the file is what the first interval saved. The copy is the crash image.
        var crashed = Path.Combine(_folder.Path, "crashed");
        Directory.CreateDirectory(crashed);
        File.Copy(state.Path, Path.Combine(crashed, MetricStateStore.FileName));
        state.Dispose();

        Assert.Equal(1, Sum(Reopen(crashed)));
        Assert.Equal(3, Sum(Reopen(_folder.Path)));
    }

    [Fact]
    public void The_metric_journal_is_compacted_to_the_store_s_buckets_so_it_stays_bounded()
    {
        var metrics = new MetricStore(TimeSpan.FromHours(3));
        var largest = 0L;
        using (var state = new MetricStateStore(_folder.Path, metrics, _time, new DataFolderReport(), flushToDisk: false, compactAfterBytes: 64 * 1024))
        {
            // Two days of one metric every ten seconds, saved every interval: the store keeps three hours of it.
            for (var i = 0; i < 2 * 24 * 360; i++)
            {
                metrics.Put(Requests, _time.GetUtcNow(), i);
                _time.Advance(MetricStateStore.SaveInterval);
                largest = Math.Max(largest, new FileInfo(state.Path).Length);
            }
        }

        var reopened = Reopen(_folder.Path);
        var now = _time.GetUtcNow();
        var kept = reopened.GetStatistics(Requests, now.AddDays(-3), now, TimeSpan.FromMinutes(1), Statistic.SampleCount);
        // Three hours of minutes (the retention counts back from the newest second; the oldest minute may be cut).
        Assert.InRange(kept.Count, 180, 181);
        // The journal never grew past twice the store's buckets (181 one-minute buckets, about 30 KB) and the floor;
        // uncompacted, two days of changes would be 17,280 records, about 2.5 MB.
        var compacted = new FileInfo(Path.Combine(_folder.Path, MetricStateStore.FileName)).Length;
        Assert.True(compacted < 64 * 1024, $"{compacted:N0} bytes");
        Assert.True(largest < 2 * 64 * 1024, $"{largest:N0} bytes at most");
    }

    [Fact]
    public void The_trace_ring_reads_the_same_after_a_restart()
    {
        var traces = new TraceStore(capacity: 100);
        using (new TraceStateStore(_folder.Path, traces, _time, new DataFolderReport(), flushToDisk: false))
        {
            Record(traces, 30);
        }

        var restored = new TraceStore(capacity: 100);
        using var reopened = new TraceStateStore(_folder.Path, restored, _time, new DataFolderReport(), flushToDisk: false);
        Assert.Equal(Describe(traces), Describe(restored));
        Assert.Equal(0, restored.Recorded);
        Assert.Equal(0, restored.Traces);
    }

    /// <summary>
    /// At start the two files are rewritten as one journal and then the previous file is deleted: a process killed between
    /// the two leaves the ring's spans in both, and each must come back once.
    /// </summary>
    [Fact]
    public void Spans_in_both_files_after_a_kill_between_the_rewrite_and_the_delete_are_restored_once()
    {
        var traces = new TraceStore(capacity: 100);
        using (new TraceStateStore(_folder.Path, traces, _time, new DataFolderReport(), flushToDisk: false))
        {
            Record(traces, 30);
        }

        File.Copy(Path.Combine(_folder.Path, TraceStateStore.FileName), Path.Combine(_folder.Path, TraceStateStore.PreviousFileName));

        var restored = new TraceStore(capacity: 100);
        using var reopened = new TraceStateStore(_folder.Path, restored, _time, new DataFolderReport(), flushToDisk: false);
        Assert.Equal(30, restored.Spans().Count);
        Assert.Equal(Describe(traces), Describe(restored));
    }

    /// <summary>A save that fails (here the folder cannot be made: a file holds its name) is told until one succeeds, and the next interval writes the ring whole.</summary>
    [Fact]
    public void A_failed_save_is_reported_until_a_later_interval_saves_the_spans()
    {
        var folder = Path.Combine(_folder.Path, "traces");
        var traces = new TraceStore(capacity: 100);
        using (var state = new TraceStateStore(folder, traces, _time, new DataFolderReport(), flushToDisk: false))
        {
            Directory.Delete(folder, recursive: true);
            File.WriteAllText(folder, "not a folder");
            Record(traces, 30);
            _time.Advance(TraceStateStore.SaveInterval);
            Assert.NotNull(state.SaveFailure);

            File.Delete(folder);
            _time.Advance(TraceStateStore.SaveInterval);
            Assert.Null(state.SaveFailure);
        }

        var restored = new TraceStore(capacity: 100);
        using var reopened = new TraceStateStore(folder, restored, _time, new DataFolderReport(), flushToDisk: false);
        Assert.Equal(Describe(traces), Describe(restored));
    }

    [Fact]
    public void The_trace_files_hold_at_most_two_rings_and_always_the_last_one()
    {
        var traces = new TraceStore(capacity: 100);
        var files = new[] { TraceStateStore.FileName, TraceStateStore.PreviousFileName }.Select(f => Path.Combine(_folder.Path, f));
        using (new TraceStateStore(_folder.Path, traces, _time, new DataFolderReport(), flushToDisk: false))
        {
            for (var interval = 0; interval < 20; interval++)
            {
                Record(traces, 35);
                _time.Advance(TraceStateStore.SaveInterval);
                var saved = files.Where(File.Exists).Sum(f => File.ReadAllBytes(f).Length);
                Assert.True(saved < 2 * 100 * 1_000, $"{saved:N0} bytes after interval {interval}");
            }

            Record(traces, 10);
        }

        var restored = new TraceStore(capacity: 100);
        using var reopened = new TraceStateStore(_folder.Path, restored, _time, new DataFolderReport(), flushToDisk: false);
        Assert.Equal(Describe(traces), Describe(restored));
        Assert.Equal(100, restored.Spans().Count);
    }

    private MetricStore Reopen(string folder)
    {
        var metrics = new MetricStore(TimeSpan.FromHours(3));
        using var state = new MetricStateStore(folder, metrics, _time, new DataFolderReport(), flushToDisk: false);
        return metrics;
    }

    private double Sum(MetricStore metrics) =>
        metrics.GetStatistics(Requests, _time.GetUtcNow().AddMinutes(-5), _time.GetUtcNow().AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum).Sum(d => d.Value);

    /// <summary>Records spans (a root and its children, with tags) the way the processor's pipeline hands them over.</summary>
    internal static void Record(TraceStore traces, int count)
    {
        Activity? root = null;
        for (var i = 0; i < count; i++)
        {
            var parent = i % 5 == 0 ? default : root!.Context;
            using var activity = new Activity(i % 5 == 0 ? "Transaction" : "Step");
            if (parent != default)
            {
                activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            }

            activity.SetTag("paywatch.transaction.id", $"txn-{i}");
            activity.SetTag("paywatch.amount", 42.5 + i);
            activity.SetTag("paywatch.flag", i % 2 == 0);
            activity.SetStatus(i % 7 == 0 ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
            activity.SetStartTime(new DateTime(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc).AddMilliseconds(i));
            activity.Start();
            activity.SetEndTime(activity.StartTimeUtc.AddMilliseconds(3));
            activity.Stop();
            traces.Record(activity);
            if (i % 5 == 0)
            {
                root = activity;
            }
        }
    }

    internal static List<string> Describe(TraceStore traces) =>
        [.. traces.Spans().Select(s => $"{s.Name} {s.TraceId} {s.SpanId} {s.ParentSpanId} {s.Start:O} {s.Duration} {s.IsError} {string.Join(",", s.Tags)}")];
}
