using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Paywatch.Aws.XRay;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Patterns;

namespace Paywatch.Cost.Footprint;

/// <summary>A record of the traffic: its data and partition key, and when it arrives on the stream.</summary>
public readonly record struct TrafficRecord(byte[] Data, string PartitionKey, DateTimeOffset Arrival);

/// <summary>What the meter runs: the mapping, the processor's settings and which lanes to simulate.</summary>
/// <param name="SimulatedLanes">How many lanes (the first ones) run the processor; the rest are only counted on the stream.</param>
public sealed record FootprintSettings(MappingSettings Mapping, ProcessorOptions Processor, TraceMode TraceMode, int SimulatedLanes);

/// <summary>
/// Runs the real processor — <see cref="KinesisBatchHandler"/> composed as <c>TransactionFunction</c> composes it: the shipped
/// rules deciding what is published, the function's tracing pipeline with the X-Ray exporter — over traffic on simulated stream
/// time, and counts what AWS bills. Every invocation is timed on this machine's clock.
/// </summary>
public static class FootprintMeter
{
    public static async Task<Footprint> MeasureAsync(FootprintSettings settings, RuleSet rules, IEnumerable<TrafficRecord> traffic)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(traffic);
        var mapping = settings.Mapping;
        var clock = new SimulatedClock(mapping.Start);
        var bus = new BusCounter(rules, clock);
        var metrics = new MetricCounter();
        using var logs = new LogCounter();

        // The exporter sends to a socket of ours that nobody reads, as the Lambda benchmark does: the documents are built and
        // sent, and their count is X-Ray's, without a daemon.
        using var sink = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var exporter = new XRayExporter((IPEndPoint)sink.Client.LocalEndPoint!, "transaction-processor");
        using var tracing = FunctionTracing.Start("transaction-processor", settings.TraceMode,
            settings.TraceMode == TraceMode.Off ? [] : [new OpenTelemetry.SimpleActivityExportProcessor(exporter)]);
        var routing = new RuleRoutingPolicy(rules, settings.Processor.EventSource, settings.Processor.DetailType, PublishMode.Matched);
        var handlers = Enumerable.Range(0, settings.SimulatedLanes)
            .Select(_ => new KinesisBatchHandler(settings.Processor, bus, routing, metrics, logs, clock, tracing.Processor))
            .ToArray();

        // An environment's first invocation writes the cold-start metrics (TransactionFunction.WriteColdStart): the same set here.
        metrics.Write(settings.Processor.MetricNamespace, clock.GetUtcNow(), [new MetricSet(
            [new(MetricNames.Dimensions.Environment, settings.Processor.Environment)],
            [[MetricNames.Dimensions.Environment]],
            [new MetricValues(MetricNames.ColdStart, MetricUnit.Count, [1]), new MetricValues(MetricNames.InitDuration, MetricUnit.Milliseconds, [1])])]);

        var durations = new List<double>();
        long publishing = 0;
        var stopwatch = new Stopwatch();
        var simulation = new MappingSimulation(mapping, clock, async (lane, kinesisEvent) =>
        {
            var requestsBefore = bus.Requests;
            stopwatch.Restart();
            var response = await handlers[lane].HandleAsync(kinesisEvent, CancellationToken.None).ConfigureAwait(false);
            tracing.Flush();
            stopwatch.Stop();
            durations.Add(stopwatch.Elapsed.TotalMilliseconds);
            publishing += bus.Requests > requestsBefore ? 1 : 0;
            return response;
        });

        var shardRecords = new long[mapping.Shards];
        var shardBytes = new long[mapping.Shards];
        long records = 0, bytes = 0, units = 0, simulated = 0, sequence = 0;
        DateTimeOffset first = default, last = default;
        foreach (var record in traffic)
        {
            if (records++ == 0)
            {
                first = record.Arrival;
            }

            last = record.Arrival;
            var size = record.Data.Length + System.Text.Encoding.UTF8.GetByteCount(record.PartitionKey);
            bytes += record.Data.Length;
            units += BillingUnits.PutPayloadUnits(record.Data.Length);
            var lane = simulation.LaneOf(record.PartitionKey);
            shardRecords[lane / mapping.ParallelizationFactor]++;
            shardBytes[lane / mapping.ParallelizationFactor] += size;
            if (lane < settings.SimulatedLanes)
            {
                simulated++;
                await simulation.AddAsync(lane, KinesisEventRecord.FromData(record.Data, $"{++sequence:D21}", record.PartitionKey, record.Arrival), record.Arrival)
                    .ConfigureAwait(false);
            }
        }

        await simulation.CloseAsync().ConfigureAwait(false);
        foreach (var handler in handlers)
        {
            handler.Dispose();
        }

        // A sample's duration is its records' span plus one record's spacing (n records at r a second cover n / r seconds).
        var duration = records <= 1 ? TimeSpan.FromSeconds(1) : (last - first) * records / (records - 1);
        var seconds = duration.TotalSeconds;
        return new Footprint
        {
            SampleDuration = duration,
            Records = records,
            RecordBytes = bytes,
            PutPayloadUnits = units,
            BusiestShardRecordsPerSecond = shardRecords.Max() / seconds,
            BusiestShardBytesPerSecond = shardBytes.Max() / seconds,
            LaneFraction = (double)settings.SimulatedLanes / mapping.Lanes,
            SimulatedRecords = simulated,
            Invocations = durations.Count,
            PublishingInvocations = publishing,
            MeasuredMilliseconds = durations.Sum(),
            InvocationMilliseconds = durations,
            EventEntries = bus.Entries,
            EventEntryBytes = bus.EntryBytes,
            BilledEvents = bus.BilledEvents,
            PutEventsRequests = bus.Requests,
            MatchesByRule = bus.MatchesByRule,
            BusiestSecondNotifications = bus.BusiestSecond,
            LogBytes = logs.Bytes,
            LogLines = logs.Lines,
            EmfBytes = metrics.EmfBytes,
            LogCompressionRatio = logs.CompressionRatio,
            Metrics = metrics.Metrics,
            Traces = exporter.Traces,
            SegmentDocuments = exporter.DocumentsSent + exporter.DocumentsDropped,
        };
    }
}
