using System.Globalization;
using Paywatch.Core.Telemetry;
using Paywatch.Local;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Cli.Commands;

/// <summary>
/// What <c>paywatch up</c> prints: where everything is, then once a second the live state — throughput, statuses,
/// alarms, routed events, DLQ depth, what the run would cost on AWS — redrawn in place when stdout is a terminal
/// (<see cref="LiveScreen"/>), or plain lines every ten seconds otherwise.
/// </summary>
internal sealed class TwinSummary(LocalTwin twin, LiveScreen screen)
{
    /// <summary>The line users wait for (<c>paywatch up | grep -m1 '^Ready\.'</c>, as LocalStack's "Ready."): printed once, when every service answers.</summary>
    public const string ReadyPrefix = "Ready.";

    public void WriteHeader(string configDirectory)
    {
        var s = twin.Settings;
        screen.WriteOnce(string.Create(CultureInfo.InvariantCulture, $$"""
            Paywatch local twin (environment {{s.Environment}}, region {{s.Region}})
              endpoint   {{twin.Api.Url.ToString().TrimEnd('/')}}
              web UI     {{twin.Api.Url}}  (dashboard, alarms, traces, events, DLQ)
              stream     {{s.StreamName}} ({{s.ShardCount}} shards)  ->  function {{s.FunctionName}}  ->  bus {{s.EventBusName}}  ->  topic {{s.TopicName}}
              DLQ        {{s.DeadLetterQueueName}}
              data       {{Path.GetFullPath(s.DataDirectory)}}
              config     {{configDirectory}}
              try        aws --endpoint-url {{twin.Api.Url.ToString().TrimEnd('/')}} kinesis put-record --cli-binary-format raw-in-base64-out --stream-name {{s.StreamName}} --partition-key test-key --data '{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US"}'
              health     {{twin.Api.Url}}_paywatch/health
              stop       Ctrl-C

            {{ReadyPrefix}} {{twin.Api.Url.ToString().TrimEnd('/')}}

            """));
    }

    /// <summary>Draws until <paramref name="cancellationToken"/> is cancelled (Ctrl-C).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = screen.Redraws ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
        var lastCompleted = twin.Mapping.RecordsCompleted;
        var lastTime = DateTimeOffset.UtcNow;
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                var completed = twin.Mapping.RecordsCompleted;
                var perSecond = (completed - lastCompleted) / Math.Max((now - lastTime).TotalSeconds, 0.001);
                (lastCompleted, lastTime) = (completed, now);
                screen.Draw(Lines(perSecond, now));
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C.
        }
    }

    private List<string> Lines(double perSecond, DateTimeOffset now)
    {
        var environment = new KeyValuePair<string, string>(MetricNames.Dimensions.Environment, twin.Settings.Environment);
        double Total(string metric) => Sum(twin.Metrics, new MetricKey("Paywatch/Transactions", metric, [environment]), now);
        var alarms = twin.Alarms.DescribeAlarms().Select(a => $"{a.AlarmName.Replace($"-{twin.Settings.Environment}", "", StringComparison.Ordinal)} {a.StateValue.ToApiName()}");
        var routed = twin.Bus.Statistics.Rules.Select(r => $"{r.RuleName} {r.MatchedEvents:N0}");
        var cost = twin.Cost.Read();
        List<string> lines =
        [
            string.Create(CultureInfo.InvariantCulture,
                $"{now:HH:mm:ss}  {perSecond,8:N0} tx/s   processed {Total(MetricNames.TransactionsProcessed):N0}  approved {Total(MetricNames.TransactionsApproved):N0}  failed {Total(MetricNames.TransactionsFailed):N0}  error {Total(MetricNames.TransactionsErrored):N0}   (last 3 h)"),
            $"  routed     {string.Join("   ", routed)}",
            string.Create(CultureInfo.InvariantCulture,
                $"  DLQ        {twin.DeadLetterQueue.Count:N0} failed batches   throttles {twin.Function.Throttles:N0}"),
            string.Create(CultureInfo.InvariantCulture,
                $"  notified   {twin.Topic.PublishedCount:N0} published   {twin.Topic.DeliveredCount:N0} delivered   {twin.Topic.DeliveryFailures:N0} failed attempts   {twin.Topic.NotificationsFailed:N0} given up   {twin.Topic.Recovered.Redelivered:N0} redelivered after restart ({twin.Topic.Recovered.PossibleDuplicateCount:N0} possible duplicates)"),
            $"  alarms     {string.Join("   ", alarms)}",
            string.Create(CultureInfo.InvariantCulture,
                $"  on AWS     ${cost.UsdSoFar:N4} so far   ${cost.UsdPerHour:N2}/h   ${cost.UsdPerMonth:N0}/month at this rate   ({cost.Report.Table.Region} prices; docs/cost.md)"),
        ];
        if (twin.Stream.BytesHeldOverSizeCap is > 0 and var held)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  stream     {held / (1024.0 * 1024):N0} MiB past its size cap of {twin.Stream.Options.MaxBytesPerShard / (1024 * 1024):N0} MiB a shard, kept: the function has not processed those records yet"));
        }

        if (twin.TelemetrySaveFailure is { } failure)
        {
            lines.Add($"  data       not saved, retried each interval (a restart would lose what was gained since the last save): {failure}");
        }

        return lines;
    }

    /// <summary>The metric's sum over the store's whole retention.</summary>
    private static double Sum(MetricStore store, MetricKey key, DateTimeOffset now)
    {
        var end = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        return store.GetStatistics(key, end - store.Retention, end, store.Retention, Statistic.Sum).Sum(d => d.Value);
    }
}
