using System.Text;
using System.Text.Json;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;

namespace Paywatch.Core.Tests;

/// <summary>Builds events and a handler wired to in-memory ports, and reads back what the ports received.</summary>
internal sealed class HandlerHarness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public HandlerHarness(ProcessorOptions? options = null, IRoutingPolicy? routing = null, IEventPublisher? publisher = null, ProcessorTracing? tracing = null)
    {
        Time = new FixedTime(Now);
        Handler = new KinesisBatchHandler(
            options ?? new ProcessorOptions(), publisher ?? Publisher, routing ?? PublishAllPolicy.Instance, Metrics, Logs, Time, tracing);
    }

    public InMemoryEventPublisher Publisher { get; } = new();

    public RecordingMetrics Metrics { get; } = new();

    public RecordingLogs Logs { get; } = new();

    public FixedTime Time { get; }

    public KinesisBatchHandler Handler { get; }

    public static KinesisEvent Event(IEnumerable<byte[]> records, bool window = true, ReadOnlyMemory<byte> state = default, string partitionKey = "pk")
    {
        var i = 0;
        return new KinesisEvent
        {
            Records = [.. records.Select(r => KinesisEventRecord.FromData(r, Sequence(++i), partitionKey, Now.AddMilliseconds(-250)))],
            Window = window ? new TumblingWindow(Now.AddMinutes(-1), Now.AddMinutes(4)) : null,
            State = state,
            ShardId = "shardId-000000000001",
        };
    }

    public static KinesisEvent Event(params string[] jsonRecords) => Event(jsonRecords.Select(Encoding.UTF8.GetBytes));

    public static string Sequence(int n) => $"4959033827149025660855969253836157109592157598913658{n:D4}";

    public KinesisStreamResponse Handle(KinesisEvent kinesisEvent) =>
        Handler.HandleAsync(kinesisEvent, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>The transaction outcome lines of the last batches (lines with a status).</summary>
    public List<JsonElement> Outcomes() => [.. Logs.Lines().Where(l => l.TryGetProperty("status", out _))];

    public void Dispose()
    {
        Handler.Dispose();
        Logs.Dispose();
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal sealed class RecordingLogs : ILogWriter, IDisposable
{
    private readonly MemoryStream _bytes = new();

    public byte[] Bytes => _bytes.ToArray();

    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>Every chunk handed over, in order (each must hold whole lines).</summary>
    public List<byte[]> Chunks { get; } = [];

    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
        Chunks.Add(utf8Lines.ToArray());
        _bytes.Write(utf8Lines);
    }

    /// <summary>The lines as JSON, each checked to be one object without a repeated member name.</summary>
    public List<JsonElement> Lines() =>
        [.. Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            var root = JsonDocument.Parse(l).RootElement.Clone();
            var names = root.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            return root;
        })];

    public void Clear() => _bytes.SetLength(0);

    public void Dispose() => _bytes.Dispose();
}

internal sealed class RecordingMetrics : IMetricsWriter
{
    public List<(string Namespace, DateTimeOffset Timestamp, IReadOnlyList<MetricSet> Sets)> Batches { get; } = [];

    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets) =>
        Batches.Add((metricNamespace, timestamp, sets));

    /// <summary>The sum of a metric's values over every batch, counting each set once under the Environment roll-up.</summary>
    public double Total(string name) =>
        Batches.SelectMany(b => b.Sets).SelectMany(s => s.Metrics).Where(m => m.Name == name).Sum(m => m.Values.Sum());
}
