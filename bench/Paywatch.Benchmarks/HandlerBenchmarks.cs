using BenchmarkDotNet.Attributes;
using Paywatch.Aws.Emf;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The handler core per record, on generated traffic (the default mix): decode, parse, validate, enrich,
/// aggregate metrics and write them as EMF, write the log line and the PutEvents entry, route it with the shipped
/// rules (or publish everything), publish in memory.
/// Every figure is per record (OperationsPerInvoke = records per run).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HandlerBenchmarks
{
    private const int Records = 10_000;

    private KinesisEvent[] _events = [];
    private KinesisBatchHandler _handler = null!;

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    /// <summary>"rules": the shipped four rules decide what is published (the default); "all": no matching.</summary>
    [Params("rules", "all")]
    public string Routing { get; set; } = "rules";

    [GlobalSetup]
    public void Setup()
    {
        _events = WindowedBatches(Records, BatchSize);
        var options = new ProcessorOptions();
        IRoutingPolicy routing = Routing == "all"
            ? PublishAllPolicy.Instance
            : new RuleRoutingPolicy(RuleSet.Compile(ShippedRules.Load()), options.EventSource, options.DetailType, PublishMode.Matched);
        _handler = new KinesisBatchHandler(
            options, new CountingPublisher(), routing,
            new EmfMetricsWriter(Stream.Null), new DiscardingLogWriter(), TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => _handler.Dispose();

    [Benchmark(OperationsPerInvoke = Records)]
    public Task<int> ProcessRecord() => HandleWindowAsync(_handler, _events, default);

    /// <summary>Generated traffic (the default mix) in batches of one tumbling window, arriving now.</summary>
    internal static KinesisEvent[] WindowedBatches(int records, int batchSize)
    {
        var arrival = DateTimeOffset.UtcNow;
        var window = new TumblingWindow(arrival, arrival.AddMinutes(5));
        return [.. new TrafficGenerator(seed: 1).Generate(records)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, arrival))
            .Chunk(batchSize)
            .Select(chunk => new KinesisEvent { Records = chunk, Window = window, ShardId = "shardId-000000000000" })];
    }

    /// <summary>The batches in order, one window for the whole run: each response's state feeds the next event, as Lambda does.</summary>
    internal static async Task<int> HandleWindowAsync(KinesisBatchHandler handler, KinesisEvent[] events, TraceParent parent)
    {
        var state = ReadOnlyMemory<byte>.Empty;
        var failures = 0;
        foreach (var kinesisEvent in events)
        {
            var response = await handler.HandleAsync(
                new KinesisEvent { Records = kinesisEvent.Records, Window = kinesisEvent.Window, State = state, ShardId = kinesisEvent.ShardId },
                parent,
                CancellationToken.None);
            state = response.State ?? default;
            failures += response.BatchItemFailures.Count;
        }

        return failures;
    }
}
