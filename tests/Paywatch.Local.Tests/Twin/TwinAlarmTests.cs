using Paywatch.Aws.Runtime;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Tests.Alarms;
using Paywatch.Local.Functions;
using Paywatch.Local.Notifications;
using Paywatch.Local.Streams;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Twin;

/// <summary>
/// The alarms of config/alarms through a running twin on a fake clock: a fault injected at the function moves the
/// AWS/Lambda metrics the function host publishes, the scheduler evaluates them on the minute as CloudWatch does
/// ("Evaluating an alarm", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html),
/// the composites follow their children
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html), and the alerts topic
/// delivers CloudWatch's notification to a subscription.
/// </summary>
public sealed class TwinAlarmTests
{
    private const string ErrorRate = "paywatch-error-rate-local";
    private const string ProcessingHealth = "paywatch-processing-health-local";
    private const string Throttles = "paywatch-throttles-local";
    private const string IteratorAge = "paywatch-iterator-age-local";
    private const string SystemCapacity = "paywatch-system-capacity-local";
    private const string RoutingFailures = "paywatch-routing-failures-local";
    private const string DeliveryHealth = "paywatch-delivery-health-local";
    private const string AlarmArnPrefix = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:";

    /// <summary>12:00:00: the scheduler's first evaluation is at 12:01, every minute after on the minute.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Every invocation fails while traffic flows in 12:00, 12:01 and 12:02: Lambda's Errors / Invocations is 100 % in
    /// three one-minute periods, which is "more than 1 % in 3 of 5", so the error-rate alarm goes to ALARM at the
    /// 12:03 evaluation and the Processing Health composite with it, each with its notification.
    /// </summary>
    [Fact]
    public async Task An_error_burst_turns_processing_health_to_ALARM_and_notifies_in_CloudWatch_shape()
    {
        using var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Noon);
        var subscription = new RecordingSubscription();
        await using var twin = await LocalTwin.StartAsync(Settings(folder), RepositoryRoot.Config, [subscription], clock.Time, _ => new FailingFunction());

        for (var minute = 0; minute < 3; minute++)
        {
            // Ten records a minute at :10; each fails (bisected, retried 3 times) and goes to the DLQ within the minute,
            // so each minute's errors land in that minute's period.
            await clock.AdvanceToAsync(Noon.AddMinutes(minute).AddSeconds(10));
            var completed = twin.Mapping.RecordsCompleted + 10;
            await twin.Stream.PutRecordsAsync([.. Enumerable.Range(0, 10).Select(i => new PutRecordEntry($"card-{i}", Transaction($"txn-{minute}-{i}")))]);
            await clock.AdvanceUntilAsync(() => twin.Mapping.RecordsCompleted == completed, TimeSpan.FromSeconds(40), $"minute {minute}'s records failed and went to the DLQ");
        }

        await clock.AdvanceUntilAsync(() => subscription.Find(ProcessingHealth, "ALARM") is not null, TimeSpan.FromMinutes(5), "Processing Health notified ALARM");

        // The metric alarm itself notifies nobody: its composite does. Its state change is in its history.
        Assert.Null(subscription.Find(ErrorRate, "ALARM"));
        var child = AlarmMessages.OfTransition(twin.Alarms, ErrorRate, AlarmState.Alarm);
        Assert.Equal(ErrorRate, child.GetProperty("AlarmName").GetString());
        Assert.Equal("ALARM", child.GetProperty("NewStateValue").GetString());
        Assert.Equal("OK", child.GetProperty("OldStateValue").GetString());
        Assert.Equal("2026-11-26T12:03:00.000+0000", child.GetProperty("StateChangeTime").GetString());
        Assert.Equal(
            "Threshold Crossed: 3 out of the last 3 datapoints [100.0 (26/11/26 12:02:00), 100.0 (26/11/26 12:01:00), 100.0 (26/11/26 12:00:00)] were greater than the threshold (1.0) (minimum 3 datapoints for OK -> ALARM transition). 2 missing datapoints were treated as [NonBreaching].",
            child.GetProperty("NewStateReason").GetString());
        Assert.Contains(child.GetProperty("Trigger").GetProperty("Metrics").EnumerateArray(), m => m.TryGetProperty("Expression", out var e) && e.GetString() == "100 * FILL(errors, 0) / invocations");

        var notification = subscription.Find(ProcessingHealth, "ALARM")!;
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local", notification.TopicArn);
        var composite = Message(notification);
        Assert.Equal(ProcessingHealth, composite.GetProperty("AlarmName").GetString());
        Assert.Equal("ALARM", composite.GetProperty("NewStateValue").GetString());
        Assert.Equal("OK", composite.GetProperty("OldStateValue").GetString());
        Assert.Equal("2026-11-26T12:03:00.000+0000", composite.GetProperty("StateChangeTime").GetString());
        Assert.Equal("ALARM(\"paywatch-error-rate-local\") OR ALARM(\"paywatch-latency-local\")", composite.GetProperty("AlarmRule").GetString());
        Assert.StartsWith("alarm rule ALARM(\"paywatch-error-rate-local\") OR ALARM(\"paywatch-latency-local\") is TRUE: paywatch-error-rate-local is ALARM", composite.GetProperty("NewStateReason").GetString(), StringComparison.Ordinal);
        Assert.Contains(composite.GetProperty("TriggeringChildren").EnumerateArray(), c => c.GetProperty("Arn").GetString() == AlarmArnPrefix + ErrorRate);

        // The failures are the function's, counted by the host as Lambda counts them: every invocation an error.
        var errors = twin.Metrics.GetStatistics(Lambda("Errors"), Noon, Noon.AddMinutes(3), TimeSpan.FromMinutes(1), Statistic.Sum);
        Assert.Equal(3, errors.Count);
        Assert.Equal(twin.Metrics.GetStatistics(Lambda("Invocations"), Noon, Noon.AddMinutes(3), TimeSpan.FromMinutes(1), Statistic.Sum), errors);
        Assert.Equal(30, twin.DeadLetterQueue.Count);
        await AssertDescribedInAlarmAsync(twin, ProcessingHealth, ErrorRate);
    }

    /// <summary>
    /// With reserved concurrency 1 and a function that hangs, the shard's other lanes are throttled
    /// ("Throttles", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html; reserved concurrency,
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), retrying with backoff, and the
    /// records waiting behind the hung invocation age: IteratorAge, the age of the last record of each batch sent
    /// (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), grows past 60 s. Throttles in 2 of 5 minutes
    /// alarm at 12:02, which turns System Capacity to ALARM; the age over 60 s in 3 of 5 minutes alarms at 12:04.
    /// </summary>
    [Fact]
    public async Task Throttling_and_a_growing_iterator_age_turn_system_capacity_to_ALARM_and_notify()
    {
        using var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Noon);
        var subscription = new RecordingSubscription();
        // The default of 20 can never be reached by this mapping: 5 shards × parallelization 2 is 10 invocations at most.
        var settings = Settings(folder) with { ReservedConcurrency = 1 };
        var twin = await LocalTwin.StartAsync(settings, RepositoryRoot.Config, [subscription], clock.Time, _ => new HangingFunction());
        try
        {
            await clock.AdvanceToAsync(Noon.AddSeconds(10));
            // Twenty partition keys spread the records over the shards and their lanes: one lane takes the only slot.
            await twin.Stream.PutRecordsAsync([.. Enumerable.Range(0, 20).Select(i => new PutRecordEntry($"card-{i}", Transaction($"txn-{i}")))]);

            await clock.AdvanceUntilAsync(
                () => InAlarm(twin, Throttles) && InAlarm(twin, IteratorAge),
                TimeSpan.FromMinutes(8),
                "both halves of System Capacity in ALARM");

            var composite = Message(subscription.Find(SystemCapacity, "ALARM")!);
            Assert.Equal(SystemCapacity, composite.GetProperty("AlarmName").GetString());
            Assert.Equal("ALARM", composite.GetProperty("NewStateValue").GetString());
            Assert.Equal("OK", composite.GetProperty("OldStateValue").GetString());
            Assert.Equal("2026-11-26T12:02:00.000+0000", composite.GetProperty("StateChangeTime").GetString());
            Assert.Equal("ALARM(\"paywatch-throttles-local\") OR ALARM(\"paywatch-iterator-age-local\")", composite.GetProperty("AlarmRule").GetString());
            Assert.Equal(
                "alarm rule ALARM(\"paywatch-throttles-local\") OR ALARM(\"paywatch-iterator-age-local\") is TRUE: paywatch-throttles-local is ALARM, paywatch-iterator-age-local is OK",
                composite.GetProperty("NewStateReason").GetString());
            Assert.Equal([AlarmArnPrefix + Throttles], composite.GetProperty("TriggeringChildren").EnumerateArray().Select(c => c.GetProperty("Arn").GetString()));

            Assert.Null(subscription.Find(Throttles, "ALARM"));
            Assert.Null(subscription.Find(IteratorAge, "ALARM"));
            var throttles = AlarmMessages.OfTransition(twin.Alarms, Throttles, AlarmState.Alarm);
            Assert.Equal("OK", throttles.GetProperty("OldStateValue").GetString());
            Assert.Equal("2026-11-26T12:02:00.000+0000", throttles.GetProperty("StateChangeTime").GetString());
            Assert.StartsWith("Threshold Crossed: 2 out of the last 2 datapoints", throttles.GetProperty("NewStateReason").GetString(), StringComparison.Ordinal);
            var age = AlarmMessages.OfTransition(twin.Alarms, IteratorAge, AlarmState.Alarm);
            Assert.Equal("OK", age.GetProperty("OldStateValue").GetString());
            Assert.Equal("2026-11-26T12:04:00.000+0000", age.GetProperty("StateChangeTime").GetString());
            Assert.StartsWith("Threshold Crossed: 3 out of the last", age.GetProperty("NewStateReason").GetString(), StringComparison.Ordinal);

            // The age grows minute by minute while the records wait. The twin reports it at every attempt, throttled ones
            // included (docs/twin-event-source-mapping.md), so the throttled lanes' retries give a datapoint every minute
            // from 12:00 on; were it reported only for invocations that ran, the hung lane's retries after each 60 s
            // timeout would still pass 60 s, one minute later (checked: the alarm then comes at 12:05).
            var maxima = twin.Metrics.GetStatistics(Lambda("IteratorAge"), Noon, Noon.AddMinutes(4), TimeSpan.FromMinutes(1), Statistic.Maximum).Select(p => p.Value).ToList();
            Assert.Equal(4, maxima.Count);
            Assert.Equal(maxima.Order(), maxima);
            Assert.True(maxima[0] < 60_000 && maxima[1] > 60_000, $"IteratorAge maxima {string.Join(", ", maxima)}");
            Assert.True(twin.Function.Throttles > 0);
            await AssertDescribedInAlarmAsync(twin, SystemCapacity, Throttles, IteratorAge);
        }
        finally
        {
            // The hung invocation holds the stop for up to the function's timeout (60 s) of clock time.
            await clock.StopAsync(twin, TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>
    /// A rule whose target names a topic that does not exist (deleted, or a typo in config/targets) fails every
    /// invocation: EventBridge counts FailedInvocations for the rule
    /// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), the routing-failures alarm goes to
    /// ALARM at the next minute's evaluation, and Delivery Health notifies, through the topic that still works. The
    /// alarm it combines sends nothing of its own.
    /// </summary>
    [Fact]
    public async Task A_rule_that_cannot_deliver_turns_delivery_health_to_ALARM_and_notifies()
    {
        using var folder = new TemporaryDirectory();
        using var config = new TemporaryDirectory();
        CopyDirectory(RepositoryRoot.Config, config.Path);
        var highValue = Path.Combine(config.Path, "targets", "high-value.json");
        File.WriteAllText(highValue, File.ReadAllText(highValue).Replace("\"${alerts_topic_arn}\"", "\"${alerts_topic_arn}-deleted\"", StringComparison.Ordinal));
        var clock = new SteppedClock(Noon);
        var subscription = new RecordingSubscription();
        // A budget with a token a second for every lane, and the high-value record a few seconds into its lane's window (a
        // window's first second sends no alert): the alert is due, and its delivery is what fails.
        await using var twin = await LocalTwin.StartAsync(Settings(folder) with { AlertsPerWindow = 10_000 }, config.Path, [subscription], clock.Time);

        await clock.AdvanceToAsync(Noon.AddSeconds(5));
        await twin.Stream.PutRecordsAsync([new PutRecordEntry("card-1", Transaction("txn-001"))]);
        await clock.AdvanceToAsync(Noon.AddSeconds(10));
        await twin.Stream.PutRecordsAsync([new PutRecordEntry("card-1", Encoding.UTF8.GetBytes(
            """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US"}"""))]);
        await clock.AdvanceUntilAsync(() => subscription.Find(DeliveryHealth, "ALARM") is not null, TimeSpan.FromMinutes(3), "Delivery Health notified ALARM");

        var composite = Message(subscription.Find(DeliveryHealth, "ALARM")!);
        Assert.Equal("2026-11-26T12:01:00.000+0000", composite.GetProperty("StateChangeTime").GetString());
        Assert.Equal([AlarmArnPrefix + RoutingFailures], composite.GetProperty("TriggeringChildren").EnumerateArray().Select(c => c.GetProperty("Arn").GetString()));
        Assert.Null(subscription.Find(RoutingFailures, "ALARM"));
        var rule = new MetricKey("AWS/Events", "FailedInvocations", [new("EventBusName", "paywatch-transactions-local"), new("RuleName", "paywatch-high-value")]);
        Assert.Equal(1, twin.Metrics.GetStatistics(rule, Noon, Noon.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum).Single().Value);
        Assert.DoesNotContain(twin.Topic.Recent, n => n.Message.Contains("txn-002", StringComparison.Ordinal));
        await AssertDescribedInAlarmAsync(twin, DeliveryHealth, RoutingFailures);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static LocalTwinSettings Settings(TemporaryDirectory folder) => new() { DataDirectory = folder.Path, Port = 0 };

    private static byte[] Transaction(string id) => Encoding.UTF8.GetBytes(
        $$"""{"transaction_id":"{{id}}","amount":42.5,"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_9"}""");

    private static MetricKey Lambda(string metric) => new("AWS/Lambda", metric, [new("FunctionName", "transaction-processor-local")]);

    private static JsonElement Message(TopicNotification notification) => JsonDocument.Parse(notification.Message).RootElement;

    private static bool InAlarm(LocalTwin twin, string alarmName) =>
        twin.Alarms.DescribeAlarms().Single(a => a.AlarmName == alarmName).StateValue == AlarmState.Alarm;


    /// <summary>The alarms are in ALARM as the twin's CloudWatch DescribeAlarms (JSON 1.0) reports them.</summary>
    private static async Task AssertDescribedInAlarmAsync(LocalTwin twin, string composite, params string[] children)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, twin.Api.Url)
        {
            Content = new StringContent("""{"AlarmTypes":["CompositeAlarm","MetricAlarm"],"StateValue":"ALARM"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "GraniteServiceVersion20100801.DescribeAlarms");

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var output = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Contains(composite, output.GetProperty("CompositeAlarms").EnumerateArray().Select(a => a.GetProperty("AlarmName").GetString()));
        var metricAlarms = output.GetProperty("MetricAlarms").EnumerateArray().Select(a => a.GetProperty("AlarmName").GetString()).ToList();
        Assert.All(children, child => Assert.Contains(child, metricAlarms));
        Assert.Equal(AlarmState.Alarm, twin.Alarms.DescribeAlarms().Single(a => a.AlarmName == composite).StateValue);
    }

    /// <summary>The alerts topic's subscriber: every notification delivered, in order.</summary>
    private sealed class RecordingSubscription : ITopicSubscription
    {
        private readonly ConcurrentQueue<TopicNotification> _delivered = new();

        public string Protocol => "test";

        /// <summary>The notification of <paramref name="alarmName"/> entering <paramref name="state"/>, by CloudWatch's subject; null when none yet.</summary>
        public TopicNotification? Find(string alarmName, string state) =>
            _delivered.FirstOrDefault(n => n.Subject == $"{state}: \"{alarmName}\" in US East (N. Virginia)");

        public Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            _delivered.Enqueue(notification);
            return Task.CompletedTask;
        }
    }

    /// <summary>An error burst: every invocation fails (Lambda's Unhandled function error), the processor never runs.</summary>
    private sealed class FailingFunction : ILambdaFunction
    {
        public ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Injected fault: the function fails.");
    }

    /// <summary>A function that hangs (a stuck downstream call): it holds its concurrency slot until the host's timeout or stop cancels it.</summary>
    private sealed class HangingFunction : ILambdaFunction
    {
        public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
        {
            var payload = invocation.Payload;
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return ReadOnlyMemory<byte>.Empty;
        }
    }
}
