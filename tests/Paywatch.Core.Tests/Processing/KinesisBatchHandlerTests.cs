using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;

namespace Paywatch.Core.Tests.Processing;

public sealed class KinesisBatchHandlerTests
{
    private static string Purchase(string id, string card = "card_1", decimal amount = 25) =>
        $$"""{"transaction_id":"{{id}}","amount":{{amount}},"type":"PURCHASE","merchant_id":"m-1","merchant_country":"US","card_id":"{{card}}"}""";

    [Fact]
    public void A_large_batch_hands_its_log_lines_over_in_chunks_of_whole_lines()
    {
        using var harness = new HandlerHarness();
        var records = Enumerable.Range(1, 2_000).Select(i => Purchase($"t-{i}")).ToArray();

        harness.Handle(HandlerHarness.Event(records));

        // 2,000 lines of ~400 bytes do not go out as one 800 KB write, and no line is split across writes.
        Assert.True(harness.Logs.Chunks.Count > 1, $"{harness.Logs.Chunks.Count} write(s)");
        Assert.All(harness.Logs.Chunks, chunk => Assert.Equal((byte)'\n', chunk[^1]));
        Assert.Equal(
            Enumerable.Range(1, 2_000).Select(HandlerHarness.Sequence),
            harness.Outcomes().Select(o => o.GetProperty("sequence_number").GetString()));
    }

    [Fact]
    public void Every_record_gets_exactly_one_outcome_line_in_order()
    {
        using var harness = new HandlerHarness();
        var records = Enumerable.Range(1, 50).Select(i => i % 7 == 0 ? "{broken" : Purchase($"t-{i}")).ToArray();

        var response = harness.Handle(HandlerHarness.Event(records));

        Assert.Empty(response.BatchItemFailures);
        var outcomes = harness.Outcomes();
        Assert.Equal(
            Enumerable.Range(1, 50).Select(HandlerHarness.Sequence),
            outcomes.Select(o => o.GetProperty("sequence_number").GetString()));
        Assert.Equal(7, outcomes.Count(o => o.GetProperty("status").GetString() == "ERROR"));
    }

    [Fact]
    public void Undecodable_base64_is_an_error_record_not_a_batch_failure()
    {
        using var harness = new HandlerHarness();
        var kinesisEvent = new KinesisEvent
        {
            Records = [new KinesisEventRecord("not base64!"u8.ToArray(), "1"u8.ToArray(), "k"u8.ToArray(), 1)],
        };

        var response = harness.Handle(kinesisEvent);

        Assert.Empty(response.BatchItemFailures);
        var outcome = Assert.Single(harness.Outcomes());
        Assert.Equal("ERROR", outcome.GetProperty("status").GetString());
        Assert.Equal("INVALID_BASE64", outcome.GetProperty("error_code").GetString());
    }

    [Fact]
    public void A_failed_publish_reports_the_record_and_leaves_it_and_later_records_to_the_redelivery()
    {
        using var harness = new HandlerHarness();
        harness.Publisher.FailWhen = e => e.Detail.Contains("\"t-3\"", StringComparison.Ordinal);
        var records = Enumerable.Range(1, 5).Select(i => Purchase($"t-{i}", card: "card_same")).ToArray();

        var response = harness.Handle(HandlerHarness.Event(records));

        Assert.Equal([HandlerHarness.Sequence(3)], response.BatchItemFailures);
        // Records 1-2 are done; 3-5 will come again from the checkpoint, so this attempt reports only 1-2...
        Assert.Equal(["t-1", "t-2"], harness.Outcomes().Select(o => o.GetProperty("transaction_id").GetString()));
        Assert.Equal(2, harness.Metrics.Total(MetricNames.TransactionsProcessed));
        Assert.Equal(3, harness.Metrics.Total(MetricNames.RecordsRetried));
        Assert.Equal(1, harness.Metrics.Total(MetricNames.PublishFailures));
        var warning = Assert.Single(harness.Logs.Lines(), l => l.GetProperty("level").GetString() == "WARN");
        Assert.Equal(HandlerHarness.Sequence(3), warning.GetProperty("first_failed_sequence_number").GetString());

        // ...and the window state counts only records 1-2, so the redelivery does not count 3-5 twice.
        harness.Publisher.FailWhen = null;
        harness.Logs.Clear();
        var redelivery = HandlerHarness.Event(records[2..].Select(Encoding.UTF8.GetBytes), state: response.State!.Value);
        harness.Handle(redelivery);
        Assert.Equal([3, 4, 5], harness.Outcomes().Select(o => o.GetProperty("transaction_count").GetInt32()));
    }

    [Fact]
    public void A_publisher_that_throws_fails_the_published_records_without_throwing()
    {
        using var harness = new HandlerHarness(routing: new PublishWhenHighValue(), publisher: new ThrowingPublisher());
        var records = new[] { Purchase("t-1"), Purchase("t-2", amount: 20_000), Purchase("t-3"), Purchase("t-4", amount: 30_000) };

        var response = harness.Handle(HandlerHarness.Event(records));

        Assert.Equal([HandlerHarness.Sequence(2), HandlerHarness.Sequence(4)], response.BatchItemFailures);
        Assert.Contains("TimeoutException: bus unreachable", harness.Logs.Text, StringComparison.Ordinal);
        Assert.Equal(["t-1"], harness.Outcomes().Select(o => o.GetProperty("transaction_id").GetString()));
    }

    [Fact]
    public void Velocity_counts_carry_across_batches_through_the_window_state()
    {
        using var harness = new HandlerHarness();
        ReadOnlyMemory<byte> state = default;
        for (var batch = 0; batch < 3; batch++)
        {
            var records = Enumerable.Range(0, 9).Select(i => Purchase($"t-{batch}-{i}", card: "card_burst")).ToArray();
            state = harness.Handle(HandlerHarness.Event(records.Select(Encoding.UTF8.GetBytes), state: state)).State!.Value;
        }

        var counts = harness.Outcomes().Select(o => o.GetProperty("transaction_count").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, 27), counts);
        Assert.Equal(7, harness.Metrics.Total(MetricNames.VelocityExceeded)); // counts 21 to 27 are above 20
        Assert.Contains("VELOCITY_EXCEEDED", harness.Outcomes()[^1].GetProperty("risk_reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void Without_a_tumbling_window_counts_are_per_batch_and_no_state_is_returned()
    {
        using var harness = new HandlerHarness();

        var response = harness.Handle(HandlerHarness.Event([.. Enumerable.Repeat(Encoding.UTF8.GetBytes(Purchase("t")), 3)], window: false));

        Assert.Null(response.State);
        Assert.DoesNotContain("state", Encoding.UTF8.GetString(response.ToUtf8Json().Span), StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], harness.Outcomes().Select(o => o.GetProperty("transaction_count").GetInt32()));
    }

    [Fact]
    public void With_a_tumbling_window_the_response_always_carries_state()
    {
        using var harness = new HandlerHarness();

        var response = harness.Handle(HandlerHarness.Event([], window: true));

        using var json = JsonDocument.Parse(response.ToUtf8Json());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("state").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("batchItemFailures").GetArrayLength());
    }

    [Fact]
    public void The_final_invoke_of_a_window_logs_its_close_with_the_entity_count()
    {
        using var harness = new HandlerHarness();
        var records = new[] { Purchase("t-1", card: "a"), Purchase("t-2", card: "b"), Purchase("t-3", card: "a") };
        var open = HandlerHarness.Event(records.Select(Encoding.UTF8.GetBytes));
        var final = new KinesisEvent
        {
            Records = open.Records, Window = open.Window, ShardId = open.ShardId, IsFinalInvokeForWindow = true,
        };

        harness.Handle(final);

        var closed = Assert.Single(harness.Logs.Lines(), l => l.GetProperty("message").GetString() == "velocity window closed");
        Assert.Equal(2, closed.GetProperty("entities").GetInt32());
        Assert.False(closed.GetProperty("terminated_early").GetBoolean());
    }

    [Fact]
    public void Unreadable_window_state_restarts_the_counts_with_a_warning_instead_of_failing()
    {
        using var harness = new HandlerHarness();

        var response = harness.Handle(HandlerHarness.Event([Encoding.UTF8.GetBytes(Purchase("t-1"))], state: "{\"v.00000000000000ff\":"u8.ToArray()));

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(1, Assert.Single(harness.Outcomes()).GetProperty("transaction_count").GetInt32());
        Assert.Contains(harness.Logs.Lines(), l => l.GetProperty("message").GetString()!.StartsWith("window state unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public void Transactions_without_card_or_account_are_counted_by_partition_key()
    {
        using var harness = new HandlerHarness();
        var noCard = """{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""";

        harness.Handle(HandlerHarness.Event([Encoding.UTF8.GetBytes(noCard), Encoding.UTF8.GetBytes(noCard)], partitionKey: "test-1"));

        Assert.Equal([1, 2], harness.Outcomes().Select(o => o.GetProperty("transaction_count").GetInt32()));
    }

    [Fact]
    public void A_higher_producer_count_wins_over_the_window_count()
    {
        using var harness = new HandlerHarness();
        var json = """{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","transaction_count":25}""";

        harness.Handle(HandlerHarness.Event(json));

        Assert.Equal(25, Assert.Single(harness.Outcomes()).GetProperty("transaction_count").GetInt32());
        Assert.Equal(1, harness.Metrics.Total(MetricNames.VelocityExceeded));
    }

    [Fact]
    public void Suspected_fraud_needs_a_high_score_and_a_non_standard_country()
    {
        using var harness = new HandlerHarness();
        harness.Handle(HandlerHarness.Event(
            """{"transaction_id":"a","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"NG","risk_score":81}""",
            """{"transaction_id":"b","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","risk_score":99}""",
            """{"transaction_id":"c","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"NG","risk_score":80}"""));

        Assert.Equal(1, harness.Metrics.Total(MetricNames.SuspectedFraud));
    }

    [Fact]
    public void Routing_policy_decides_what_is_published_and_its_rule_names_are_logged()
    {
        using var harness = new HandlerHarness(routing: new PublishWhenHighValue());

        harness.Handle(HandlerHarness.Event(Purchase("small"), Purchase("big", amount: 12_000)));

        var published = Assert.Single(harness.Publisher.Published);
        Assert.Contains("\"big\"", published.Detail, StringComparison.Ordinal);
        var outcomes = harness.Outcomes();
        Assert.False(outcomes[0].GetProperty("published").GetBoolean());
        Assert.True(outcomes[1].GetProperty("published").GetBoolean());
        Assert.Equal(["high-value"], outcomes[1].GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void Detail_numbers_are_json_numbers_and_latency_is_measured_from_arrival()
    {
        using var harness = new HandlerHarness();
        harness.Handle(HandlerHarness.Event(Purchase("t-1", amount: 10_000.50m)));

        using var detail = JsonDocument.Parse(Assert.Single(harness.Publisher.Published).Detail);
        Assert.Equal(JsonValueKind.Number, detail.RootElement.GetProperty("amount").ValueKind);
        Assert.Equal(10_000.50m, detail.RootElement.GetProperty("amount").GetDecimal());
        Assert.Equal(JsonValueKind.Number, detail.RootElement.GetProperty("risk_score").ValueKind);
        Assert.Equal(250, Assert.Single(harness.Outcomes()).GetProperty("latency_ms").GetDouble()); // arrival was 250 ms before now
    }

    [Fact]
    public void Spans_cover_the_batch_each_record_its_stages_and_the_publish()
    {
        // A source of this test's own: the listener hears only this test's spans, whatever runs beside it.
        using var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = heard.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var harness = new HandlerHarness(tracing: new ProcessorTracing(source, TraceMode.Invocation));

        harness.Handle(HandlerHarness.Event(Purchase("t-1"), "{bad"));
        List<Activity> spans = [.. heard];

        var names = spans.Select(s => s.OperationName).ToList();
        Assert.Equal(1, names.Count(n => n == ProcessorTelemetry.Spans.Batch));
        Assert.Equal(2, names.Count(n => n == ProcessorTelemetry.Spans.Transaction));
        Assert.Equal(2, names.Count(n => n == ProcessorTelemetry.Spans.Validation));
        Assert.Equal(2, names.Count(n => n == ProcessorTelemetry.Spans.Processing));
        Assert.Equal(2, names.Count(n => n == ProcessorTelemetry.Spans.Routing));
        Assert.Equal(1, names.Count(n => n == ProcessorTelemetry.Spans.Publish));
        var batch = spans.Single(s => s.OperationName == ProcessorTelemetry.Spans.Batch);
        Assert.All(spans.Where(s => s != batch), s => Assert.Equal(batch.TraceId, s.TraceId));
        var transactions = spans.Where(s => s.OperationName == ProcessorTelemetry.Spans.Transaction).ToList();
        Assert.All(transactions, t => Assert.Equal(batch.SpanId, t.ParentSpanId));
        Assert.Equal("APPROVED", transactions[0].GetTagItem(ProcessorTelemetry.Tags.Status));
        Assert.Equal("US", transactions[0].GetTagItem(ProcessorTelemetry.Tags.Country));
        Assert.Equal("ERROR", transactions[1].GetTagItem(ProcessorTelemetry.Tags.Status));
        Assert.Equal("MALFORMED_JSON", transactions[1].GetTagItem(ProcessorTelemetry.Tags.ErrorCode));
        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), t => Equals(t.Value, "card_1"));
    }

    [Theory]
    [InlineData("Environment")]
    [InlineData("MetricNamespace")]
    [InlineData("EventBusName")]
    [InlineData("MaxRecordBytes")]
    public void A_configuration_that_would_fail_every_batch_is_refused_at_construction(string setting)
    {
        var options = setting switch
        {
            "Environment" => new Paywatch.Core.Processing.ProcessorOptions { Environment = "prød" },
            "MetricNamespace" => new Paywatch.Core.Processing.ProcessorOptions { MetricNamespace = ":Paywatch" },
            "EventBusName" => new Paywatch.Core.Processing.ProcessorOptions { EventBusName = " " },
            _ => new Paywatch.Core.Processing.ProcessorOptions { MaxRecordBytes = 0 },
        };

        var error = Assert.Throws<ArgumentException>(() => new HandlerHarness(options));

        Assert.Equal(setting, error.ParamName);
    }

    private sealed class PublishWhenHighValue : IRoutingPolicy
    {
        public bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules)
        {
            using var json = JsonDocument.Parse(detail.ToArray());
            if (json.RootElement.TryGetProperty("amount", out var amount) && amount.GetDecimal() > 10_000)
            {
                matchedRules.Add("high-value");
                return true;
            }

            return false;
        }
    }

    private sealed class ThrowingPublisher : IEventPublisher
    {
        public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken) =>
            throw new TimeoutException("bus unreachable");
    }
}
