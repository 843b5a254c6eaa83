using Paywatch.Core.Processing;
using Paywatch.Cost;
using Paywatch.Cost.Deployment;
using Paywatch.Cost.Prices;

namespace Paywatch.Local.Billing;

/// <summary>
/// What the twin's run would cost on AWS: the same <see cref="MeteredRun"/> quantities <c>paywatch cost</c> measures, read from
/// the twin's own counters (the stream's accepted records and PUT payload units, the function host's invocations and
/// durations, the bus's entries, the topic's publishes, the log store's ingested bytes, the metric store's custom metrics in
/// the processor's namespace, the trace store's root spans) since start, priced with the same model and price table.
/// </summary>
public sealed class TwinCostMeter
{
    private readonly LocalTwin _twin;
    private readonly DateTimeOffset _start;
    private readonly string _metricNamespace = new ProcessorOptions().MetricNamespace;

    /// <param name="twin">The running twin, metered from its start.</param>
    /// <param name="configDirectory">Its config/: alarms, dashboards and saved queries are fixed monthly items.</param>
    public TwinCostMeter(LocalTwin twin, string configDirectory)
    {
        _twin = twin ?? throw new ArgumentNullException(nameof(twin));
        _start = twin.Time.GetUtcNow();
        var s = twin.Settings;
        var mapping = twin.Mapping.Options;
        Deployment = new DeploymentSettings
        {
            Region = s.Region,
            Environment = s.Environment,
            Shards = s.ShardCount,
            LambdaMemoryMb = s.FunctionMemoryMb,
            BatchSize = mapping.BatchSize,
            ParallelizationFactor = mapping.ParallelizationFactor,
            BatchingWindow = mapping.MaximumBatchingWindow,
            TumblingWindow = mapping.TumblingWindow,
            LogRetentionDays = s.LogRetentionDays,
            TraceMode = s.TraceMode,
            AlertsPerWindow = s.AlertsPerWindow,
            ReservedConcurrency = s.ReservedConcurrency,
            Config = ConfigCounts.FromFolder(configDirectory),
        };
        // A Region without a built-in table is priced at us-east-1's (the twin's default); TwinCost names the table used.
        Prices = PriceTable.BuiltIn(PriceTable.BuiltInRegions.Contains(s.Region) ? s.Region : "us-east-1");
    }

    /// <summary>The AWS deployment the twin stands for (its settings as infra/ deploys them; one email subscription).</summary>
    public DeploymentSettings Deployment { get; }

    public PriceTable Prices { get; }

    public Assumptions Assumptions { get; } = new();

    /// <summary>What the twin did since start, as AWS would bill it.</summary>
    public MeteredRun Run()
    {
        var invocations = _twin.Function.Invocations;
        // The function's time in this process, scaled to its memory's CPU share plus the per-invocation overhead, as the model does.
        var billed = (_twin.Function.TotalDuration * MonthlyUsage.CpuScale(Deployment.LambdaMemoryMb) * Assumptions.MachineToVcpu)
            + TimeSpan.FromMilliseconds(invocations * Assumptions.InvocationOverheadMilliseconds);
        var bus = _twin.Bus.Statistics;
        // The processor's entries are far below 64 KB, and the bus keeps no sizes: an entry is one billed event.
        var entries = bus.EntriesReceived - bus.FailedEntries;
        return new MeteredRun
        {
            Period = Elapsed,
            Records = _twin.Stream.IncomingRecords,
            PutPayloadUnits = _twin.Stream.PutPayloadUnits,
            Invocations = invocations,
            LambdaGbSeconds = invocations == 0 ? 0 : BillingUnits.GbSeconds(Deployment.LambdaMemoryMb, billed),
            EventEntries = entries,
            BilledEvents = entries,
            Publishes = _twin.Topic.PublishedCount,
            CustomMetrics = _twin.Metrics.ListMetrics(_metricNamespace).Count,
            LogBytes = _twin.Logs.IngestedBytes,
            LogCompressionRatio = Assumptions.UnmeasuredLogCompressionRatio,
            Traces = _twin.Traces.Traces,
        };
    }

    /// <summary>The run so far, priced: a month at its rate, and per hour.</summary>
    public TwinCost Read()
    {
        var run = Run();
        var month = MonthlyUsage.From(run, Deployment, Assumptions);
        return new TwinCost(run, month, CostModel.Price(month, Prices), Assumptions.HoursPerMonth);
    }

    /// <summary>Time since start on the twin's clock; at least a second, so a fresh twin has a rate.</summary>
    private TimeSpan Elapsed => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (_twin.Time.GetUtcNow() - _start).Ticks));
}
