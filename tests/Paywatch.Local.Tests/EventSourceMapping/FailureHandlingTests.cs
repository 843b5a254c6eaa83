using Paywatch.Aws.Runtime;
using System.Globalization;
using System.Text;
using Paywatch.Local.Functions;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.EventSourceMapping;

public sealed class FailureHandlingTests
{
    private static string Seq(StoredRecord record) => record.SequenceNumber.ToString(CultureInfo.InvariantCulture);

    private static List<StoredRecord> PutMany(MappingFixture fixture, int count, string shard = MappingFixture.Shard0)
    {
        var records = new List<StoredRecord>();
        for (var i = 0; i < count; i++)
        {
            records.Add(fixture.Source.Put(shard, "key", $"r{i}"));
        }

        return records;
    }

    [Fact]
    public async Task A_partial_failure_checkpoints_before_the_lowest_reported_record_and_retries_from_it()
    {
        await using var fixture = new MappingFixture();
        var records = PutMany(fixture, 10);
        var calls = 0;
        fixture.Function.Respond = e => Interlocked.Increment(ref calls) == 1
            ? $"{{\"batchItemFailures\":[{{\"itemIdentifier\":\"{Seq(records[5])}\"}},{{\"itemIdentifier\":\"{Seq(records[3])}\"}}]}}"
            : "{\"batchItemFailures\":[]}";

        await fixture.Mapping.PollOnceAsync();
        Assert.Equal(Seq(records[2]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));

        await fixture.Mapping.PollUntilIdleAsync();
        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.Equal(records.Skip(3).Select(Seq), ScriptedFunction.SequenceNumbers(events[1]));
        Assert.Equal(Seq(records[9]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
        Assert.Empty(fixture.Destination.Messages);
    }

    /// <summary>
    /// A function past its timeout is reported failed and the batch is retried, but the function may still be running
    /// (Lambda would stop it; an in-process function can only be asked to): the event it was given must not change
    /// under it when the mapping writes the retry's event.
    /// </summary>
    [Fact]
    public async Task A_function_still_running_after_its_timeout_keeps_the_event_it_was_given()
    {
        var function = new OverrunningFunction();
        await using var fixture = new MappingFixture(functionOptions: new LocalFunctionOptions { Timeout = TimeSpan.FromSeconds(3) }, function: function);
        PutMany(fixture, 4);

        var polling = fixture.Mapping.PollUntilIdleAsync();
        await function.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        fixture.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await function.FirstSawItsEventUnchanged.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the overrunning invocation's event changed under it");
        await polling;
    }

    [Theory]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"999\"}]}")]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}")]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":null}]}")]
    [InlineData("{\"batchItemFailures\":[{\"ItemId\":\"1000\"}]}")]
    [InlineData("{\"batchItemFailures\":[\"1000\"]}")]
    [InlineData("{\"batchItemFailures\":{\"itemIdentifier\":\"1000\"}}")]
    [InlineData("[]")]
    [InlineData("{} {}")]
    [InlineData("null {}")]
    [InlineData("not json")]
    public async Task An_unusable_failure_report_fails_the_whole_batch(string response)
    {
        await using var fixture = new MappingFixture();
        var records = PutMany(fixture, 4);
        var calls = 0;
        fixture.Function.Respond = _ => Interlocked.Increment(ref calls) == 1 ? response : null;

        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.Equal(records.Select(Seq), ScriptedFunction.SequenceNumbers(events[1]));
    }

    [Theory]
    [InlineData("{\"batchItemFailures\":[]}")]
    [InlineData("{\"batchItemFailures\":null}")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData(null)]
    public async Task An_empty_or_null_report_is_complete_success(string? response)
    {
        await using var fixture = new MappingFixture();
        var records = PutMany(fixture, 4);
        fixture.Function.Respond = _ => response;

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Single(fixture.Function.Events);
        Assert.Equal(Seq(records[3]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
    }

    [Fact]
    public async Task A_poison_record_is_bisected_retried_and_its_batch_sent_to_the_destination_while_the_shard_moves_on()
    {
        var inner = new ScriptedFunction();
        var poison = new PoisonRecordFunction(inner, "POISON"u8.ToArray());
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumRetryAttempts = 2 }, function: poison);
        var records = new List<StoredRecord>();
        for (var i = 0; i < 8; i++)
        {
            records.Add(fixture.Source.Put(MappingFixture.Shard0, $"k{i}", i == 5 ? "{\"transaction_id\":\"POISON\"}" : $"r{i}"));
        }

        await fixture.Mapping.PollUntilIdleAsync();

        // [0-7] fails -> [0-3] ok, [4-7] fails -> [4-5] fails -> [4] ok, [5] fails, then its 2 retries fail;
        // bisecting spends no retries (kinesis-on-failure-destination.html). [6-7] is processed after.
        Assert.Equal(6, poison.Failures);
        Assert.Equal(
            [["r0", "r1", "r2", "r3"], ["r4"], ["r6", "r7"]],
            inner.EventList.Select(e => ScriptedFunction.Data(e).ToArray()));
        var message = Assert.Single(fixture.Destination.Documents);
        Assert.Equal(["requestContext", "responseContext", "version", "timestamp", "KinesisBatchInfo"], message.EnumerateObject().Select(p => p.Name));
        var request = message.GetProperty("requestContext");
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local", request.GetProperty("functionArn").GetString());
        Assert.Equal("RetryAttemptsExhausted", request.GetProperty("condition").GetString());
        Assert.Equal(6, request.GetProperty("approximateInvokeCount").GetInt32());
        Assert.True(Guid.TryParse(request.GetProperty("requestId").GetString(), out _));
        var response = message.GetProperty("responseContext");
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("$LATEST", response.GetProperty("executedVersion").GetString());
        Assert.Equal("Unhandled", response.GetProperty("functionError").GetString());
        Assert.Equal("1.0", message.GetProperty("version").GetString());
        Assert.Equal("2026-11-26T10:00:00.000Z", message.GetProperty("timestamp").GetString());
        var info = message.GetProperty("KinesisBatchInfo");
        Assert.Equal(MappingFixture.Shard0, info.GetProperty("shardId").GetString());
        Assert.Equal(Seq(records[5]), info.GetProperty("startSequenceNumber").GetString());
        Assert.Equal(Seq(records[5]), info.GetProperty("endSequenceNumber").GetString());
        Assert.Equal("2026-11-26T10:00:00.000Z", info.GetProperty("approximateArrivalOfFirstRecord").GetString());
        Assert.Equal("2026-11-26T10:00:00.000Z", info.GetProperty("approximateArrivalOfLastRecord").GetString());
        Assert.Equal(1, info.GetProperty("batchSize").GetInt32());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local", info.GetProperty("streamArn").GetString());
        Assert.Equal(Seq(records[7]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
        Assert.Equal(1, fixture.Mapping.RecordsDiscarded);
    }

    [Fact]
    public async Task Without_bisection_the_whole_failing_batch_is_retried_then_sent_as_one_message()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BisectBatchOnFunctionError = false, MaximumRetryAttempts = 1 });
        var records = PutMany(fixture, 5);
        fixture.Function.Respond = _ => throw new InvalidOperationException("boom");

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(2, fixture.Function.Events.Count);
        var info = Assert.Single(fixture.Destination.Documents).GetProperty("KinesisBatchInfo");
        Assert.Equal(5, info.GetProperty("batchSize").GetInt32());
        Assert.Equal(Seq(records[0]), info.GetProperty("startSequenceNumber").GetString());
        Assert.Equal(Seq(records[4]), info.GetProperty("endSequenceNumber").GetString());
        Assert.Equal(Seq(records[4]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
    }

    [Fact]
    public async Task Records_older_than_the_maximum_record_age_go_to_the_destination_as_RecordAgeExceeded()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BisectBatchOnFunctionError = false, MaximumRetryAttempts = 10_000, MaximumRecordAge = TimeSpan.FromSeconds(60) });
        var records = PutMany(fixture, 3);
        fixture.Function.Respond = _ => throw new InvalidOperationException("down");
        fixture.Function.Before = (_, _) =>
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(7));
            return Task.CompletedTask;
        };

        await fixture.Mapping.PollUntilIdleAsync();

        var message = Assert.Single(fixture.Destination.Documents);
        Assert.Equal("RecordAgeExceeded", message.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, message.GetProperty("KinesisBatchInfo").GetProperty("batchSize").GetInt32());
        Assert.Equal(Seq(records[2]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
        // Retries stop once the records are past 60 s: 9 invocations of 7 s each reach 63 s.
        Assert.Equal(9, fixture.Function.Events.Count);
    }

    [Fact]
    public async Task Records_already_too_old_are_never_sent_to_the_function()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumRecordAge = TimeSpan.FromSeconds(60) });
        fixture.Source.Put(MappingFixture.Shard0, "key", "old", fixture.Time.GetUtcNow().AddSeconds(-61));
        fixture.Source.Put(MappingFixture.Shard0, "key", "fresh", fixture.Time.GetUtcNow().AddSeconds(-59));

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["fresh"], ScriptedFunction.Data(Assert.Single(fixture.Function.Events)));
        var message = Assert.Single(fixture.Destination.Documents);
        Assert.Equal(0, message.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(1, message.GetProperty("KinesisBatchInfo").GetProperty("batchSize").GetInt32());
    }

    [Fact]
    public async Task Throttled_batches_back_off_and_retry_without_spending_retries()
    {
        await using var fixture = new MappingFixture(
            MappingFixture.Defaults with { ParallelizationFactor = 4, MaximumRetryAttempts = 0 },
            new LocalFunctionOptions { ReservedConcurrency = 1 });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Function.Before = (_, cancellationToken) => release.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        for (var k = 0; k < 12; k++)
        {
            fixture.Source.Put(MappingFixture.Shard0, $"card-{k}", $"r{k}");
        }

        var poll = fixture.Mapping.PollOnceAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fixture.Host.Throttles == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        release.SetResult();
        await poll;
        var throttles = fixture.Host.Throttles;
        Assert.InRange(throttles, 1, 3);

        // Backing off: nothing is retried until the backoff (100 ms) has passed.
        await fixture.Mapping.PollUntilIdleAsync();
        Assert.Single(fixture.Function.Events);
        for (var i = 0; i < 10 && fixture.Mapping.RecordsCompleted < 12; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(5));
            await fixture.Mapping.PollUntilIdleAsync();
        }

        Assert.Equal(12, fixture.Function.EventList.Sum(e => e.GetProperty("Records").GetArrayLength()));
        Assert.Empty(fixture.Destination.Messages);
        Assert.Equal(12, fixture.Mapping.RecordsCompleted);
    }

    [Fact]
    public async Task A_batch_the_destination_refuses_is_kept_and_sent_again()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumRetryAttempts = 0, BisectBatchOnFunctionError = false });
        var records = PutMany(fixture, 2);
        fixture.Function.Respond = _ => throw new InvalidOperationException("boom");
        fixture.Destination.Fail = true;

        await fixture.Mapping.PollUntilIdleAsync();
        Assert.Null(fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
        Assert.Equal(1, fixture.Mapping.DestinationFailures);

        fixture.Destination.Fail = false;
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await fixture.Mapping.PollUntilIdleAsync();
        Assert.Single(fixture.Destination.Messages);
        Assert.Single(fixture.Function.Events);
        Assert.Equal(Seq(records[1]), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
    }

    [Fact]
    public async Task The_on_failure_message_is_text_the_destination_stores_as_is()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumRetryAttempts = 0 });
        PutMany(fixture, 1);
        fixture.Function.Respond = _ => throw new InvalidOperationException("boom");

        await fixture.Mapping.PollUntilIdleAsync();

        var body = Assert.Single(fixture.Destination.Messages);
        Assert.DoesNotContain('\n', body);
        Assert.StartsWith("{\"requestContext\":{\"requestId\":", body, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(body) < 1024);
    }

    /// <summary>Its first invocation ignores its timeout and runs until a second has started, then checks its event.</summary>
    private sealed class OverrunningFunction : ILambdaFunction
    {
        private readonly TaskCompletionSource _secondStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> FirstSawItsEventUnchanged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
        {
            var payload = invocation.Payload;
            if (Interlocked.Increment(ref _calls) > 1)
            {
                _secondStarted.TrySetResult();
                return "{}"u8.ToArray();
            }

            var given = payload.ToArray();
            FirstStarted.SetResult();
            await _secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            FirstSawItsEventUnchanged.SetResult(payload.Span.SequenceEqual(given));
            return "{}"u8.ToArray();
        }
    }
}
