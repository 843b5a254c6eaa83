using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Storage;
using Paywatch.Local.Telemetry;
using Paywatch.Local.Tests.Telemetry;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Storage;

/// <summary>
/// The damage suite for the telemetry files (the metric journal, the trace journal), by the data folder's rule: a torn
/// tail is cut, a damaged record skipped and counted (never the records after it), each reported at start; a file of a
/// newer format is refused with its name. Whatever the damage, the store opens and keeps working.
/// </summary>
public sealed class TelemetryDamageTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(T0.AddMinutes(100));

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("cut mid-record")]
    [InlineData("garbage record")]
    [InlineData("zero-filled")]
    public void A_damaged_metric_journal_keeps_every_bucket_outside_the_damage_and_says_what_it_found(string damage)
    {
        // A hundred metrics, a minute each: one bucket, one record each, in the order put.
        var keys = Enumerable.Range(0, 100).Select(i => new MetricKey("Custom", $"Metric{i:D3}")).ToList();
        var metrics = new MetricStore(TimeSpan.FromHours(3));
        using (new MetricStateStore(_folder.Path, metrics, _time, new DataFolderReport(), flushToDisk: false))
        {
            foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            {
                metrics.Put(key, T0.AddMinutes(i), i + 1);
            }
        }

        var file = Path.Combine(_folder.Path, MetricStateStore.FileName);
        var bytes = File.ReadAllBytes(file);
        var offsets = keys.ToDictionary(k => k, k => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes($"\"{k.Name}\"")));
        Assert.All(offsets.Values, o => Assert.True(o > 0));
        var lost = Damage(file, bytes, damage, offsets);

        var report = new DataFolderReport();
        var reopened = new MetricStore(TimeSpan.FromHours(3));
        using (var state = new MetricStateStore(_folder.Path, reopened, _time, report, flushToDisk: false))
        {
            reopened.Put(keys[0], _time.GetUtcNow(), 7);
        }

        Assert.Contains(report.Lines, l => l.StartsWith(file, StringComparison.Ordinal));
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            var sum = reopened.GetStatistics(key, T0.AddMinutes(i), T0.AddMinutes(i + 1), TimeSpan.FromMinutes(1), Statistic.Sum);
            Assert.Equal(lost.Contains(key) ? [] : [i + 1.0], sum.Select(d => d.Value));
        }

        if (damage == "garbage record")
        {
            Assert.Single(lost);
        }

        // Saved again whole: the next start finds a sound file, with the change made after the repair.
        var again = new DataFolderReport();
        var third = new MetricStore(TimeSpan.FromHours(3));
        using (new MetricStateStore(_folder.Path, third, _time, again, flushToDisk: false))
        {
        }

        Assert.Empty(again.Lines);
        Assert.Equal(7, third.GetStatistics(keys[0], _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum).Single().Value);
    }

    [Theory]
    [InlineData("cut mid-record")]
    [InlineData("garbage record")]
    [InlineData("zero-filled")]
    public void A_damaged_trace_journal_keeps_every_span_outside_the_damage_and_says_what_it_found(string damage)
    {
        var traces = new TraceStore(capacity: 200);
        using (new TraceStateStore(_folder.Path, traces, _time, new DataFolderReport(), flushToDisk: false))
        {
            TelemetryStateStoreTests.Record(traces, 100);
        }

        var spans = traces.Spans();
        var file = Path.Combine(_folder.Path, TraceStateStore.FileName);
        var bytes = File.ReadAllBytes(file);
        var offsets = spans.ToDictionary(s => s.SpanId, s => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes($"\"{s.SpanId}\"")));
        Assert.All(offsets.Values, o => Assert.True(o > 0));
        var lost = Damage(file, bytes, damage, offsets);

        var report = new DataFolderReport();
        var reopened = new TraceStore(capacity: 200);
        using (new TraceStateStore(_folder.Path, reopened, _time, report, flushToDisk: false))
        {
            TelemetryStateStoreTests.Record(reopened, 5);
        }

        Assert.Contains(report.Lines, l => l.StartsWith(file, StringComparison.Ordinal));
        Assert.Equal(spans.Select(s => s.SpanId).Except(lost), reopened.Spans().Take(reopened.Spans().Count - 5).Select(s => s.SpanId));
        if (damage == "garbage record")
        {
            Assert.Single(lost);
        }

        var again = new DataFolderReport();
        var third = new TraceStore(capacity: 200);
        using (new TraceStateStore(_folder.Path, third, _time, again, flushToDisk: false))
        {
        }

        Assert.Empty(again.Lines);
        Assert.Equal(TelemetryStateStoreTests.Describe(reopened), TelemetryStateStoreTests.Describe(third));
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("traces")]
    public void A_telemetry_file_of_a_newer_format_is_refused_with_its_name(string which)
    {
        var file = Path.Combine(_folder.Path, which == "metrics" ? MetricStateStore.FileName : TraceStateStore.FileName);
        var frame = RecordFraming.Frame("{}"u8);
        frame[6] = RecordFraming.CurrentVersion + 1;
        File.WriteAllBytes(file, Reframe(frame));

        var refusal = Assert.Throws<DataFolderException>(() =>
        {
            if (which == "metrics")
            {
                using var _ = new MetricStateStore(_folder.Path, new MetricStore(TimeSpan.FromHours(3)), _time, new DataFolderReport(), flushToDisk: false);
            }
            else
            {
                using var _ = new TraceStateStore(_folder.Path, new TraceStore(), _time, new DataFolderReport(), flushToDisk: false);
            }
        });

        Assert.Contains(file, refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"version {RecordFraming.CurrentVersion + 1}", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>Damages <paramref name="file"/>; returns the items whose record was in the damaged bytes.</summary>
    private static HashSet<T> Damage<T>(string file, byte[] bytes, string damage, Dictionary<T, int> offsets)
        where T : notnull
    {
        var ordered = offsets.OrderBy(p => p.Value).ToList();
        switch (damage)
        {
            case "cut mid-record":
                // In the middle of the 60th record: it and every record after it are in the cut bytes.
                var cut = ordered[59].Value + 5;
                File.WriteAllBytes(file, bytes[..cut]);
                return [.. ordered.Skip(59).Select(p => p.Key)];
            case "garbage record":
                bytes[ordered[40].Value + 3] ^= 0xFF;
                File.WriteAllBytes(file, bytes);
                return [ordered[40].Key];
            default:
                File.WriteAllBytes(file, new byte[bytes.Length]);
                return [.. offsets.Keys];
        }
    }

    /// <summary>The frame with its CRC computed over its (changed) version byte, as a newer paywatch would write it: whole, not damaged.</summary>
    private static byte[] Reframe(byte[] frame)
    {
        var crc = System.IO.Hashing.Crc32.HashToUInt32(frame.AsSpan(6));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(2), crc);
        return frame;
    }
}
