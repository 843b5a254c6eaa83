using Paywatch.Core.Processing;
using Paywatch.Core.Telemetry;
using Paywatch.Cost;
using Paywatch.Cost.Footprint;
using Paywatch.Local.Streams;
using Paywatch.Local.Tests.Twin;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Local.Tests.Billing;

/// <summary>The twin's meter against <c>paywatch cost</c>'s model: the same traffic, the same usage.</summary>
public sealed class TwinCostMeterTests
{
    private const int RecordsPerSecond = 500;
    private const int Seconds = 20;
    private const double Tolerance = 0.05;

    // On a tumbling window's boundary, so the twin's windows and the simulation's are the same.
    private static readonly DateTimeOffset Noon = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_twin_meters_what_the_cost_model_measures_on_the_same_traffic()
    {
        var traffic = new TrafficGenerator(seed: 17).Generate(RecordsPerSecond * Seconds).ToList();
        using var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Noon);
        await using var twin = await LocalTwin.StartAsync(
            new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 }, RepositoryRoot.Config, [], clock.Time);

        // A second's records at a time on the twin's clock, as the footprint's arrivals below.
        for (var second = 0; second < Seconds; second++)
        {
            var results = await twin.Stream.PutRecordsAsync(
                [.. traffic.Skip(second * RecordsPerSecond).Take(RecordsPerSecond).Select(t => new PutRecordEntry(t.PartitionKey, t.Utf8Json))]);
            Assert.All(results, r => Assert.True(r.Succeeded));
            // Every record handed to its lane before the clock moves, so each lane's second is one batch, as in the simulation.
            var put = (second + 1) * RecordsPerSecond;
            await Eventually(() => RecordsRead(twin) == put, $"{put} records read");
            // The batching window ends a second after each lane's first record: its batch is invoked before the next second's.
            var completed = (second + 1) * RecordsPerSecond;
            await AdvanceUntilAsync(clock, () => twin.Mapping.RecordsCompleted == completed, $"{completed} records processed");
        }

        // Past the tumbling window's end: each lane's closing invocation.
        await clock.AdvanceToAsync(Noon.AddSeconds(twin.Cost.Deployment.TumblingWindow.TotalSeconds + 5));
        await clock.AdvanceUntilAsync(() => twin.Function.ConcurrentExecutions == 0, TimeSpan.FromMinutes(1), "the closing invocations");
        var metered = twin.Cost.Run();

        var deployment = twin.Cost.Deployment;
        var mapping = new MappingSettings(deployment.Shards, deployment.ParallelizationFactor, deployment.BatchSize, deployment.BatchingWindow, deployment.TumblingWindow, Noon);
        var footprint = await FootprintMeter.MeasureAsync(
            new FootprintSettings(mapping, new ProcessorOptions { Environment = deployment.Environment, AlertsPerWindow = deployment.AlertsPerWindow, LaneCount = mapping.Lanes, ParallelizationFactor = mapping.ParallelizationFactor }, deployment.TraceMode, mapping.Lanes),
            RuleSet.Compile(RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules"))),
            traffic.Select((t, i) => new TrafficRecord(t.Utf8Json, t.PartitionKey, Noon.AddSeconds(i / RecordsPerSecond))));
        var measured = MonthlyUsage.Run(footprint, deployment, twin.Cost.Assumptions);

        Assert.Equal(traffic.Count, metered.Records);
        Assert.True(measured.Publishes > 0, "the traffic notifies");
        AssertClose(measured.Records, metered.Records, "records");
        AssertClose(measured.PutPayloadUnits, metered.PutPayloadUnits, "PUT payload units");
        AssertClose(measured.Invocations, metered.Invocations, "invocations");
        AssertClose(measured.EventEntries, metered.EventEntries, "PutEvents entries");
        // The model counts the rules' notifications; the twin's topic also carries the composites' (their first evaluation notifies OK).
        var alarmNotifications = twin.Alarms.RecentTransitions.Count(t => t.Actions.Contains(twin.Topic.TopicArn, StringComparer.Ordinal));
        AssertClose(measured.Publishes, metered.Publishes - alarmNotifications, "notifications");
        AssertClose(measured.LogBytes, metered.LogBytes, "log bytes");
        AssertClose(measured.CustomMetrics, metered.CustomMetrics, "custom metrics");
        AssertClose(measured.Traces, metered.Traces, "traces");

        // A month at the same rate, priced with the same table: the meter's run over the sample's stream time. On the stepped
        // clock an invocation lasts as long as the steps it spans, so the twin's Lambda duration is the model's here.
        Assert.True(metered.LambdaGbSeconds > 0);
        var model = CostModel.Price(MonthlyUsage.From(measured, deployment, twin.Cost.Assumptions), twin.Cost.Prices);
        var twinMonth = CostModel.Price(
            MonthlyUsage.From(metered with { Period = measured.Period, LambdaGbSeconds = measured.LambdaGbSeconds }, deployment, twin.Cost.Assumptions),
            twin.Cost.Prices);
        AssertClose(model.TotalUsd, twinMonth.TotalUsd, "monthly total: "
            + string.Join("; ", twinMonth.Lines.Select(l => $"{l.Price.Id} ${l.MonthlyUsd:N2} against ${model.Lines.Single(m => m.Price.Id == l.Price.Id).MonthlyUsd:N2}")));
        Assert.Equal(TraceMode.Invocation, deployment.TraceMode);
    }

    /// <summary>
    /// Moves the clock a second at a time, giving the twin's threads up to two seconds of real time after each step (the first
    /// batches run cold), until <paramref name="condition"/> holds.
    /// </summary>
    private static async Task AdvanceUntilAsync(SteppedClock clock, Func<bool> condition, string what)
    {
        for (var step = 0; step < 10; step++)
        {
            clock.Time.Advance(TimeSpan.FromSeconds(1));
            var patience = System.Diagnostics.Stopwatch.StartNew();
            while (patience.Elapsed < TimeSpan.FromSeconds(2))
            {
                if (condition())
                {
                    return;
                }

                await Task.Delay(5);
            }
        }

        Assert.Fail($"Not within 10 s of clock time: {what}.");
    }

    /// <summary>Waits in real time (the clock stands still) for the twin's threads.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var patience = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(30), $"Not within 30 s: {what}.");
            await Task.Delay(5);
        }
    }

    /// <summary>Records the mapping has read from the stream (AWS/Kinesis GetRecords.Records, summed).</summary>
    private static double RecordsRead(LocalTwin twin)
    {
        var now = twin.Time.GetUtcNow();
        return twin.Metrics.ListMetrics("AWS/Kinesis", "GetRecords.Records")
            .SelectMany(key => twin.Metrics.GetStatistics(key, now - twin.Metrics.Retention, now.AddMinutes(1), twin.Metrics.Retention, Paywatch.Monitoring.Metrics.Statistic.Sum))
            .Sum(d => d.Value);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected),
            $"{what}: the twin metered {actual:N0}, the cost model measured {expected:N0} (more than {Tolerance:P0} apart).");
}
