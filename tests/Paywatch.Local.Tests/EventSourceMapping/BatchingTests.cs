using System.Globalization;
using System.Text;
using Paywatch.Core.Kinesis;
using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Local.Tests.EventSourceMapping;

public sealed class BatchingTests
{
    [Fact]
    public async Task A_batch_holds_at_most_BatchSize_records()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 10 });
        for (var i = 0; i < 25; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, "key", $"r{i}");
        }

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal([10, 10, 5], fixture.Function.EventList.Select(e => e.GetProperty("Records").GetArrayLength()));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"r{i}"), fixture.Function.EventList.SelectMany(ScriptedFunction.Data));
    }

    [Fact]
    public async Task Records_wait_for_the_batching_window_before_a_short_batch_is_sent()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumBatchingWindow = TimeSpan.FromSeconds(1) });
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        fixture.Source.Put(MappingFixture.Shard0, "key", "b");

        await fixture.Mapping.PollUntilIdleAsync();
        await fixture.AdvanceAndPollAsync(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fixture.Function.Events);

        await fixture.AdvanceAndPollAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a", "b"], ScriptedFunction.Data(Assert.Single(fixture.Function.Events)));
    }

    [Fact]
    public async Task A_full_batch_does_not_wait_for_the_batching_window()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 3, MaximumBatchingWindow = TimeSpan.FromSeconds(300) });
        for (var i = 0; i < 4; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, "key", $"r{i}");
        }

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["r0", "r1", "r2"], ScriptedFunction.Data(Assert.Single(fixture.Function.Events)));
    }

    [Fact]
    public async Task The_event_has_the_members_Lambda_sends_for_a_Kinesis_record()
    {
        await using var fixture = new MappingFixture();
        var arrival = new DateTimeOffset(2026, 11, 26, 9, 59, 59, 123, TimeSpan.Zero);
        var stored = fixture.Source.Put(MappingFixture.Shard1, "1", "Hello, this is a test.", arrival);

        await fixture.Mapping.PollUntilIdleAsync();

        // https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, "Example Kinesis record event".
        var invocationEvent = Assert.Single(fixture.Function.Events);
        Assert.Equal(["Records"], invocationEvent.EnumerateObject().Select(p => p.Name));
        var record = Assert.Single(invocationEvent.GetProperty("Records").EnumerateArray());
        var sequenceNumber = stored.SequenceNumber.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            ["kinesis", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn", "awsRegion", "eventSourceARN"],
            record.EnumerateObject().Select(p => p.Name));
        var kinesis = record.GetProperty("kinesis");
        Assert.Equal("1.0", kinesis.GetProperty("kinesisSchemaVersion").GetString());
        Assert.Equal("1", kinesis.GetProperty("partitionKey").GetString());
        Assert.Equal(sequenceNumber, kinesis.GetProperty("sequenceNumber").GetString());
        Assert.Equal("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==", kinesis.GetProperty("data").GetString());
        Assert.Equal("1795687199.123", kinesis.GetProperty("approximateArrivalTimestamp").GetRawText());
        Assert.Equal("aws:kinesis", record.GetProperty("eventSource").GetString());
        Assert.Equal("1.0", record.GetProperty("eventVersion").GetString());
        Assert.Equal($"shardId-000000000001:{sequenceNumber}", record.GetProperty("eventID").GetString());
        Assert.Equal("aws:kinesis:record", record.GetProperty("eventName").GetString());
        Assert.Equal("arn:aws:iam::000000000000:role/transaction-processor-local-role", record.GetProperty("invokeIdentityArn").GetString());
        Assert.Equal("us-east-1", record.GetProperty("awsRegion").GetString());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local", record.GetProperty("eventSourceARN").GetString());
    }

    [Fact]
    public async Task The_processor_reads_the_event_the_mapping_writes()
    {
        await using var fixture = new MappingFixture();
        var arrival = new DateTimeOffset(2026, 11, 26, 9, 59, 58, 250, TimeSpan.Zero);
        var stored = fixture.Source.Put(MappingFixture.Shard0, "test-2", "{\"amount\":15000}", arrival);

        await fixture.Mapping.PollUntilIdleAsync();

        var parsed = KinesisEventReader.Read(Encoding.UTF8.GetBytes(Assert.Single(fixture.Function.Events).GetRawText()));
        var record = Assert.Single(parsed.Records);
        Assert.Equal(stored.SequenceNumber.ToString(CultureInfo.InvariantCulture), record.SequenceNumberText);
        Assert.Equal(arrival, record.ArrivalTime);
        Assert.Equal("test-2", Encoding.UTF8.GetString(record.PartitionKey.Span));
        Assert.Null(parsed.Window);
    }

    [Fact]
    public async Task Records_of_one_partition_key_stay_in_order_in_one_lane()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { ParallelizationFactor = 4, BatchSize = 7 });
        var keys = Enumerable.Range(0, 12).Select(k => $"card-{k}").ToArray();
        for (var i = 0; i < 240; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, keys[i % keys.Length], $"{keys[i % keys.Length]}/{i}");
        }

        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        var seen = events.SelectMany(ScriptedFunction.Data).ToList();
        Assert.Equal(240, seen.Count);
        foreach (var key in keys)
        {
            var order = seen.Where(d => d.StartsWith(key + "/", StringComparison.Ordinal)).Select(d => int.Parse(d[(key.Length + 1)..], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
        }

        // Keys that ever share a batch share a lane: the groups of keys batched together are the lanes, at most
        // ParallelizationFactor of them and more than one.
        var keysPerBatch = events.Select(e => ScriptedFunction.Data(e).Select(d => d.Split('/')[0]).ToHashSet()).ToList();
        var groups = new List<HashSet<string>>();
        foreach (var batchKeys in keysPerBatch)
        {
            var merged = new HashSet<string>(batchKeys);
            foreach (var group in groups.Where(g => g.Overlaps(batchKeys)).ToList())
            {
                merged.UnionWith(group);
                groups.Remove(group);
            }

            groups.Add(merged);
        }

        Assert.InRange(groups.Count, 2, 4);
    }

    [Fact]
    public async Task Lanes_of_one_shard_invoke_the_function_concurrently()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { ParallelizationFactor = 4 });
        var inFlight = 0;
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Function.Before = async (_, cancellationToken) =>
        {
            if (Interlocked.Increment(ref inFlight) >= 2)
            {
                bothIn.TrySetResult();
            }

            await bothIn.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        };
        for (var k = 0; k < 12; k++)
        {
            fixture.Source.Put(MappingFixture.Shard0, $"card-{k}", "x");
        }

        await fixture.Mapping.PollOnceAsync();

        Assert.True(bothIn.Task.IsCompletedSuccessfully);
        Assert.True(fixture.Function.Events.Count >= 2);
    }

    [Fact]
    public async Task The_running_mapping_processes_records_as_they_arrive()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { ParallelizationFactor = 2 });
        fixture.Mapping.Start();
        for (var i = 0; i < 50; i++)
        {
            fixture.Source.Put(i % 2 == 0 ? MappingFixture.Shard0 : MappingFixture.Shard1, $"k{i % 5}", $"r{i}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fixture.Mapping.RecordsCompleted < 50 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await fixture.Mapping.StopAsync();
        Assert.Equal(50, fixture.Mapping.RecordsCompleted);
        Assert.Equal(50, fixture.Function.EventList.Sum(e => e.GetProperty("Records").GetArrayLength()));
    }

    [Fact]
    public async Task The_running_mapping_survives_a_failing_read()
    {
        await using var fixture = new MappingFixture();
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        fixture.Source.FailingReads = 1;
        fixture.Mapping.Start();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fixture.Mapping.RecordsCompleted < 1 && DateTime.UtcNow < deadline)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(10);
        }

        await fixture.Mapping.StopAsync();
        Assert.Equal(1, fixture.Mapping.RecordsCompleted);
        Assert.IsType<IOException>(fixture.Mapping.LastError);
        Assert.Throws<InvalidOperationException>(fixture.Mapping.Start);
    }

    [Fact]
    public async Task The_running_mapping_is_idle_only_while_nothing_is_due_before_the_clock_moves()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumBatchingWindow = TimeSpan.FromSeconds(1) });
        fixture.Function.Before = (_, cancellationToken) => release.Task.WaitAsync(cancellationToken);
        fixture.Mapping.Start();
        await EventuallyAsync(() => fixture.Mapping.IsIdle, "idle over an empty stream");

        // Read, and gathering for the batching window: nothing to do until the clock moves.
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        await EventuallyAsync(() => fixture.Mapping.IsIdle, "idle while the batching window runs");
        Assert.Empty(fixture.Function.Events);

        // The window ends: busy at once, before the lane's loop has resumed, and for as long as the invocation runs.
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(fixture.Mapping.IsIdle);
        await EventuallyAsync(() => !fixture.Function.Events.IsEmpty, "the batch invoked");
        await Task.Delay(50);
        Assert.False(fixture.Mapping.IsIdle);
        Assert.Equal(0, fixture.Mapping.RecordsCompleted);

        release.SetResult();
        await EventuallyAsync(() => fixture.Mapping.IsIdle, "idle after the invocation");
        Assert.Equal(1, fixture.Mapping.RecordsCompleted);
        await fixture.Mapping.StopAsync();
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 10 s: {what}.");
            await Task.Delay(5);
        }
    }
}
