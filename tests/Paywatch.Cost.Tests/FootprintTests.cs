using System.Text;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Telemetry;
using Paywatch.Cost.Deployment;
using Paywatch.Cost.Footprint;

namespace Paywatch.Cost.Tests;

/// <summary>The counters the footprint is measured with, the mapping simulation, and scaling a footprint to a month.</summary>
public sealed class FootprintTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_metric_is_counted_once_per_dimension_set_and_values()
    {
        var counter = new MetricCounter();
        MetricSet Set(string type) => new(
            [new("Environment", "prod"), new("TransactionType", type)],
            [["Environment"], ["Environment", "TransactionType"]],
            [new MetricValues("TransactionsProcessed", MetricUnit.Count, [3]), new MetricValues("TransactionAmount", MetricUnit.None, [1, 2])]);

        counter.Write("Paywatch/Transactions", Start, [Set("PURCHASE")]);
        // 2 metrics x 2 dimension sets = 4
        Assert.Equal(4, counter.Metrics.Count);

        counter.Write("Paywatch/Transactions", Start.AddMinutes(1), [Set("PURCHASE")]);
        // the same combinations a minute later: still 4
        Assert.Equal(4, counter.Metrics.Count);

        counter.Write("Paywatch/Transactions", Start, [Set("REFUND")]);
        // REFUND adds its 2 metrics under (Environment, TransactionType); the Environment-only ones exist already: 6
        Assert.Equal(6, counter.Metrics.Count);
        Assert.Equal(3, counter.Documents);
        Assert.True(counter.EmfBytes > 0);
    }

    [Fact]
    public void Log_bytes_are_the_lines_as_written()
    {
        using var logs = new LogCounter();

        logs.Write("{\"a\":1}\n"u8);
        logs.Write("{\"status\":\"APPROVED\"}\n{\"b\":2}\n"u8);

        // 8 + 22 + 8 bytes, 3 lines
        Assert.Equal(38, logs.Bytes);
        Assert.Equal(3, logs.Lines);
    }

    [Fact]
    public void Repetitive_log_lines_compress()
    {
        using var logs = new LogCounter();
        for (var i = 0; i < 1_000; i++)
        {
            logs.Write(Encoding.UTF8.GetBytes($"{{\"transaction_id\":\"txn-{i:D6}\",\"status\":\"APPROVED\",\"type\":\"PURCHASE\"}}\n"));
        }

        Assert.InRange(logs.CompressionRatio, 0.01, 0.5);
    }

    [Theory]
    [InlineData(300, 4)] // batches of 100, 100 and 50 (the last at the close), then the window's closing invocation
    [InlineData(0, 3)] // no tumbling window: no closing invocation
    public async Task A_lane_invokes_at_the_batch_size_then_closes_its_window(int tumblingSeconds, int invocations)
    {
        var clock = new SimulatedClock(Start);
        var events = new List<KinesisEvent>();
        var simulation = new MappingSimulation(
            new MappingSettings(Shards: 1, ParallelizationFactor: 1, BatchSize: 100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(tumblingSeconds), Start),
            clock,
            (_, e) =>
            {
                events.Add(e);
                return ValueTask.FromResult(new KinesisStreamResponse { BatchItemFailures = [] });
            });

        for (var i = 0; i < 250; i++)
        {
            var arrival = Start.AddMilliseconds(i);
            await simulation.AddAsync(0, KinesisEventRecord.FromData("{}"u8.ToArray(), $"{i:D21}", "key", arrival), arrival);
        }

        await simulation.CloseAsync();

        Assert.Equal(invocations, events.Count);
        Assert.Equal([100, 100, 50], events.Take(3).Select(e => e.Records.Count));
        Assert.Equal(tumblingSeconds > 0, events[^1].IsFinalInvokeForWindow);
    }

    [Fact]
    public async Task A_batch_is_invoked_when_the_batching_window_passes_before_it_fills()
    {
        var events = new List<int>();
        var simulation = new MappingSimulation(
            new MappingSettings(1, 1, 100, TimeSpan.FromSeconds(1), TimeSpan.Zero, Start),
            new SimulatedClock(Start),
            (_, e) =>
            {
                events.Add(e.Records.Count);
                return ValueTask.FromResult(new KinesisStreamResponse { BatchItemFailures = [] });
            });

        // 10 records a second for 3 s: a batch of 10 each second
        for (var i = 0; i < 30; i++)
        {
            var arrival = Start.AddMilliseconds(i * 100);
            await simulation.AddAsync(0, KinesisEventRecord.FromData("{}"u8.ToArray(), $"{i:D21}", "key", arrival), arrival);
        }

        await simulation.CloseAsync();

        Assert.Equal([10, 10, 10], events);
    }

    [Fact]
    public void Keys_spread_over_every_lane_of_every_shard()
    {
        var lanes = Enumerable.Range(0, 10_000).Select(i => MappingSimulation.LaneOf($"card_{i}", shards: 5, parallelizationFactor: 2)).ToHashSet();

        Assert.Equal(Enumerable.Range(0, 10).ToHashSet(), lanes);
    }

    [Fact]
    public void A_footprint_scales_to_a_month_by_stream_time_and_simulated_lanes()
    {
        var footprint = Sample() with { InvocationMilliseconds = [.. Enumerable.Repeat(10.0, 100)] };
        var deployment = new DeploymentSettings { LambdaMemoryMb = 1769, Shards = 5 };

        var usage = MonthlyUsage.From(footprint, deployment, new Assumptions());

        // month 2,628,000 s / 600 s = 4,380 for stream figures; half the lanes ran, so 8,760 for the processor's
        Assert.Equal(5 * 730, usage.ShardHours, 6);
        Assert.Equal(600_000 * 4_380.0, usage.PutPayloadUnits, 3);
        Assert.Equal(100 * 8_760.0, usage.LambdaRequests, 3);
        // each invocation: ceil(10 ms x 1 (a full vCPU at 1,769 MB) + 2 ms) = 12 ms; 10 published: + 20 ms each. 1,400 ms
        // = 1.4 s x 1.7275390625 GB x 8,760 = 21,186.5390625 GB-s
        Assert.Equal(21_186.5390625, usage.LambdaGbSecondsX86, 6);
        Assert.Equal(0, usage.LambdaGbSecondsArm);
        // logs 1,000,000 + EMF 100,000 + 100 x 350 platform bytes = 1,135,000 x 8,760 = 9,942,600,000 bytes
        Assert.Equal(9.9426, usage.LogIngestedGb, 6);
        // 30 notifications x 8,760 = 262,800 publishes and email deliveries
        Assert.Equal(262_800, usage.SnsPublishes, 6);
        Assert.Equal(262_800, usage.SnsEmailDeliveries, 6);
        // 2 metrics from EMF + 7 shard-level metrics x 5 shards
        Assert.Equal(37, usage.CustomMetrics);
        // KMS: a data key per publish + 24 an hour per shard: 262,800 + 5 x 24 x 730 = 350,400
        Assert.Equal(350_400, usage.KmsRequests, 6);
    }

    [Fact]
    public void Arm64_bills_the_same_time_at_its_own_price()
    {
        var usage = MonthlyUsage.From(Sample(), new DeploymentSettings { Architecture = "arm64" }, new Assumptions());

        Assert.Equal(0, usage.LambdaGbSecondsX86);
        Assert.True(usage.LambdaGbSecondsArm > 0);
    }

    [Theory]
    [InlineData(128, 13.8203125)] // 1,769 / 128
    [InlineData(512, 3.455078125)] // 1,769 / 512
    [InlineData(1769, 1)]
    [InlineData(4096, 1)] // more than a vCPU does not speed a single thread
    public void Cpu_share_scales_with_memory_up_to_one_vcpu(int memoryMb, double scale) =>
        Assert.Equal(scale, MonthlyUsage.CpuScale(memoryMb), 9);

    internal static Footprint.Footprint Sample() => new()
    {
        SampleDuration = TimeSpan.FromSeconds(600),
        Records = 600_000,
        RecordBytes = 600_000 * 250,
        PutPayloadUnits = 600_000,
        BusiestShardRecordsPerSecond = 200,
        BusiestShardBytesPerSecond = 200 * 270,
        LaneFraction = 0.5,
        SimulatedRecords = 300_000,
        Invocations = 100,
        PublishingInvocations = 10,
        MeasuredMilliseconds = 1_000,
        InvocationMilliseconds = [.. Enumerable.Repeat(10.0, 100)],
        EventEntries = 30,
        EventEntryBytes = 30_000,
        BilledEvents = 30,
        PutEventsRequests = 10,
        MatchesByRule = new Dictionary<string, long> { ["paywatch-high-value"] = 30 },
        BusiestSecondNotifications = 3,
        LogBytes = 1_000_000,
        LogLines = 3_000,
        EmfBytes = 100_000,
        LogCompressionRatio = 0.1,
        Metrics = ["a", "b"],
        Traces = 100,
        SegmentDocuments = 100,
    };
}
