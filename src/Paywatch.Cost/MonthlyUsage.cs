using Paywatch.Cost.Deployment;

namespace Paywatch.Cost;

/// <summary>A measured <see cref="Footprint.Footprint"/> scaled to a month of the same traffic on a deployment.</summary>
public static class MonthlyUsage
{
    public static Usage From(Footprint.Footprint footprint, DeploymentSettings deployment, Assumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(assumptions);
        var monthSeconds = assumptions.HoursPerMonth * 3600;
        var stream = monthSeconds / footprint.SampleDuration.TotalSeconds;
        var lanes = stream / footprint.LaneFraction;

        var gbSeconds = BilledMilliseconds(footprint, deployment, assumptions) / 1000 * (deployment.LambdaMemoryMb / 1024.0) * lanes;
        var invocations = footprint.Invocations * lanes;
        var logBytes = (footprint.LogBytes + footprint.EmfBytes + (footprint.Invocations * (double)assumptions.PlatformLogBytesPerInvocation)) * lanes;
        var logGb = logBytes / 1e9;
        var logGbPerHour = logGb / assumptions.HoursPerMonth;
        var publishes = footprint.Matches * lanes;
        var traces = footprint.Traces * lanes;
        return new Usage
        {
            ShardHours = deployment.Shards * assumptions.HoursPerMonth,
            PutPayloadUnits = footprint.PutPayloadUnits * stream,
            LambdaRequests = invocations,
            LambdaGbSecondsX86 = deployment.Architecture == "arm64" ? 0 : gbSeconds,
            LambdaGbSecondsArm = deployment.Architecture == "arm64" ? gbSeconds : 0,
            EventBridgeEvents = footprint.BilledEvents * lanes,
            SnsPublishes = publishes,
            SnsEmailDeliveries = publishes * deployment.EmailSubscriptions,
            SnsHttpDeliveries = publishes * deployment.HttpSubscriptions,
            CustomMetrics = footprint.Metrics.Count + (assumptions.ShardLevelMetrics * deployment.Shards),
            StandardAlarmMetrics = deployment.Config.StandardAlarmMetrics,
            CompositeAlarms = deployment.Config.CompositeAlarms,
            Dashboards = deployment.Config.Dashboards,
            LogIngestedGb = logGb,
            // Steady state: the retention period's worth of ingest is kept, compressed.
            LogStoredGbMonths = logGb / assumptions.DaysPerMonth * deployment.LogRetentionDays * footprint.LogCompressionRatio,
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
