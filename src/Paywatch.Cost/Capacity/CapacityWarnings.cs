using System.Globalization;
using Paywatch.Cost.Deployment;
using Paywatch.Cost.Prices;

namespace Paywatch.Cost.Capacity;

/// <summary>A rate the deployment cannot carry, or a setting that throttles it, against an AWS quota.</summary>
public sealed record CapacityWarning(string Id, string Message, double Rate, double Limit, string Source);

/// <summary>Compares the measured rates with AWS's published quotas (the price table's <c>quotas</c>, each with its page).</summary>
public static class CapacityWarnings
{
    public static IReadOnlyList<CapacityWarning> Check(Footprint.Footprint footprint, DeploymentSettings deployment, PriceTable table, Assumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(assumptions);
        var warnings = new List<CapacityWarning>();
        var seconds = footprint.SampleDuration.TotalSeconds;
        var lanes = 1 / footprint.LaneFraction;

        void Over(string quota, double rate, Func<double, string> message)
        {
            var limit = table.Quota(quota);
            if (rate > limit)
            {
                warnings.Add(new CapacityWarning(quota, message(limit), rate, limit, table.Quotas.First(q => q.Id == quota).Source));
            }
        }

        Over("kinesis.shard_records_per_second", footprint.BusiestShardRecordsPerSecond, limit => Text(
            $"Kinesis: the busiest of {deployment.Shards} shards takes {footprint.BusiestShardRecordsPerSecond:N0} records/s; a shard takes {limit:N0}. Producers are throttled (WriteProvisionedThroughputExceeded): add shards (kinesis_shard_count ≥ {Math.Ceiling(footprint.Records / seconds / limit):N0})."));
        Over("kinesis.shard_bytes_per_second", footprint.BusiestShardBytesPerSecond, limit => Text(
            $"Kinesis: the busiest shard takes {footprint.BusiestShardBytesPerSecond / 1048576:N2} MiB/s; a shard takes {limit / 1048576:N0} MiB/s."));

        var notifications = footprint.Matches * lanes / seconds;
        if (deployment.EmailSubscriptions > 0)
        {
            Over("sns.email_messages_per_second", notifications, limit => Text(
                $"SNS email: {notifications:N1} notifications/s on average; an email subscription delivers {limit:N0} messages/s, and AWS may suspend it. Lower alerts_per_window or route bulk alerts to an HTTP/S or queue subscriber."));
            var busiest = footprint.BusiestSecondNotifications * lanes;
            if (notifications <= table.Quota("sns.email_messages_per_second") && busiest > table.Quota("sns.email_messages_per_second"))
            {
                warnings.Add(new CapacityWarning("sns.email_messages_per_second.burst", Text(
                    $"SNS email: bursts of about {busiest:N0} notifications in one second as windows open (average {notifications:N1}/s); email delivers {table.Quota("sns.email_messages_per_second"):N0}/s, so they are delivered late."),
                    busiest, table.Quota("sns.email_messages_per_second"), table.Quotas.First(q => q.Id == "sns.email_messages_per_second").Source));
            }
        }

        var concurrency = deployment.Shards * deployment.ParallelizationFactor;
        var concurrencySource = table.Quotas.First(q => q.Id == "lambda.concurrent_executions").Source;
        if (deployment.ReservedConcurrency is { } reserved && concurrency > reserved)
        {
            warnings.Add(new CapacityWarning("lambda.reserved_concurrency", Text(
                $"Lambda: the mapping runs {concurrency} batches at once (shards × parallelization), reserved concurrency is {reserved}: invocations are throttled and the iterator age grows."),
                concurrency, reserved, concurrencySource));
        }

        var busy = MonthlyUsage.BilledMilliseconds(footprint, deployment, assumptions) / 1000 * lanes / seconds;
        if (busy > concurrency)
        {
            warnings.Add(new CapacityWarning("lambda.lanes_busy", Text(
                $"Lambda: the traffic needs {busy:N1} invocations running at all times (modelled duration), more than the {concurrency} lanes: the function falls behind. Raise event_source_parallelization_factor or shards, or memory."),
                busy, concurrency, concurrencySource));
        }

        Over("eventbridge.put_events_per_second", footprint.EventEntries * lanes / seconds, limit => Text(
            $"EventBridge: {footprint.EventEntries * lanes / seconds:N0} PutEvents entries/s against the Region's {limit:N0}/s quota: request an increase."));
        Over("xray.segments_per_second", footprint.SegmentDocuments * lanes / seconds, limit => Text(
            $"X-Ray: {footprint.SegmentDocuments * lanes / seconds:N0} segment documents/s against the Region's {limit:N0}/s PutTraceSegments quota: segments are throttled and traces incomplete."));
        return warnings;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
