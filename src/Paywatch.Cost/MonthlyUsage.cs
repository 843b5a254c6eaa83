using Paywatch.Cost.Deployment;

namespace Paywatch.Cost;

/// <summary>A measured <see cref="Footprint.Footprint"/> or a metered run scaled to a month of the same traffic on a deployment.</summary>
public static class MonthlyUsage
{
    public static Usage From(Footprint.Footprint footprint, DeploymentSettings deployment, Assumptions assumptions) =>
        From(Run(footprint, deployment, assumptions), deployment, assumptions);

    /// <summary>The footprint as a run of every lane: the processor's figures scaled up from the simulated lanes.</summary>
    public static MeteredRun Run(Footprint.Footprint footprint, DeploymentSettings deployment, Assumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(assumptions);
        var lanes = 1 / footprint.LaneFraction;
        return new MeteredRun
        {
            Period = footprint.SampleDuration,
            Records = footprint.Records,
            PutPayloadUnits = footprint.PutPayloadUnits,
            Invocations = footprint.Invocations * lanes,
            LambdaGbSeconds = BilledMilliseconds(footprint, deployment, assumptions) / 1000 * (deployment.LambdaMemoryMb / 1024.0) * lanes,
            EventEntries = footprint.EventEntries * lanes,
            BilledEvents = footprint.BilledEvents * lanes,
            Publishes = footprint.Matches * lanes,
            CustomMetrics = footprint.Metrics.Count,
            LogBytes = (footprint.LogBytes + footprint.EmfBytes) * lanes,
            LogCompressionRatio = footprint.LogCompressionRatio,
            Traces = footprint.Traces * lanes,
            AwsRequestBytes = (footprint.EventEntryBytes + (footprint.SegmentDocuments * (double)assumptions.SegmentDocumentBytes)) * lanes,
        };
    }

    /// <summary>A month of the same traffic as <paramref name="run"/>, on the deployment.</summary>
    public static Usage From(MeteredRun run, DeploymentSettings deployment, Assumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(assumptions);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(run.Period, TimeSpan.Zero);
        var month = assumptions.HoursPerMonth * 3600 / run.Period.TotalSeconds;

        var gbSeconds = run.LambdaGbSeconds * month;
        var invocations = run.Invocations * month;
        var logBytes = (run.LogBytes + (run.Invocations * (double)assumptions.PlatformLogBytesPerInvocation)) * month;
        var logGb = logBytes / 1e9;
        var logGbPerHour = logGb / assumptions.HoursPerMonth;
        var publishes = run.Publishes * month;
        var traces = run.Traces * month;
        return new Usage
        {
            ShardHours = deployment.Shards * assumptions.HoursPerMonth,
            PutPayloadUnits = run.PutPayloadUnits * month,
            LambdaRequests = invocations,
            LambdaGbSecondsX86 = deployment.Architecture == "arm64" ? 0 : gbSeconds,
            LambdaGbSecondsArm = deployment.Architecture == "arm64" ? gbSeconds : 0,
            EventBridgeEvents = run.BilledEvents * month,
            SnsPublishes = publishes,
            SnsEmailDeliveries = publishes * deployment.EmailSubscriptions,
            SnsHttpDeliveries = publishes * deployment.HttpSubscriptions,
            CustomMetrics = run.CustomMetrics + (assumptions.ShardLevelMetrics * deployment.Shards),
            StandardAlarmMetrics = deployment.Config.StandardAlarmMetrics,
            CompositeAlarms = deployment.Config.CompositeAlarms,
            Dashboards = deployment.Config.Dashboards,
            LogIngestedGb = logGb,
            // Steady state: the retention period's worth of ingest is kept, compressed.
            LogStoredGbMonths = logGb / assumptions.DaysPerMonth * deployment.LogRetentionDays * run.LogCompressionRatio,
            LogsInsightsScannedGb = deployment.Config.SavedQueries * assumptions.QueryRunsPerDay * assumptions.DaysPerMonth
                * logGbPerHour * assumptions.QueryRange.TotalHours,
            TracesRecorded = traces,
            InsightsTraces = traces,
            TracesRetrieved = assumptions.TraceQueriesPerDay * assumptions.DaysPerMonth
                * ((traces / assumptions.HoursPerMonth) + assumptions.TracesRetrievedPerQuery),
            KmsKeys = 1,
            KmsRequests = (publishes * assumptions.KmsRequestsPerSnsPublish)
                + (deployment.Shards * assumptions.KinesisKmsRequestsPerShardHour * assumptions.HoursPerMonth),
            SqsRequests = 0,
            EcrStorageGbMonths = assumptions.ImageGb * assumptions.ImagesKept,
            VpcEndpointHours = deployment.VpcEndpointServices * deployment.VpcAvailabilityZones * assumptions.HoursPerMonth,
            VpcEndpointGb = deployment.VpcAvailabilityZones > 0 ? run.AwsRequestBytes * month / 1e9 : 0,
        };
    }

    /// <summary>
    /// The sample's billed milliseconds: each invocation's measured time scaled to the function's CPU share, plus the overhead
    /// and, for those that published, the PutEvents round trip, rounded up to the millisecond.
    /// </summary>
    public static double BilledMilliseconds(Footprint.Footprint footprint, DeploymentSettings deployment, Assumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(assumptions);
        var cpu = CpuScale(deployment.LambdaMemoryMb) * assumptions.MachineToVcpu;
        return footprint.InvocationMilliseconds.Sum(ms => Math.Ceiling((ms * cpu) + assumptions.InvocationOverheadMilliseconds))
            + (footprint.PublishingInvocations * Math.Ceiling(assumptions.PutEventsLatencyMilliseconds));
    }

    /// <summary>How much longer CPU-bound work takes at <paramref name="memoryMb"/> than on a full vCPU.</summary>
    public static double CpuScale(int memoryMb) => Math.Max(1, (double)BillingUnits.MemoryMbPerVcpu / memoryMb);
}
