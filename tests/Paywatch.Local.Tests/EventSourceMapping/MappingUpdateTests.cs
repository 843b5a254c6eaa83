using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>
/// <see cref="KinesisEventSourceMapping.Update"/>, what UpdateEventSourceMapping calls: the new settings apply from the
/// next batch on (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html).
/// </summary>
public sealed class MappingUpdateTests
{
    [Fact]
    public async Task A_new_batch_size_is_the_size_of_the_next_batches()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 10 });
        Put(fixture, 0, 15);
        await fixture.Mapping.PollOnceAsync();

        fixture.Mapping.Update(fixture.Mapping.Options with { BatchSize = 3 });
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(3, fixture.Mapping.Options.BatchSize);
        Assert.Equal([10, 3, 2], fixture.Function.EventList.Select(e => e.GetProperty("Records").GetArrayLength()));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"r{i}"), fixture.Function.EventList.SelectMany(ScriptedFunction.Data));
    }

    [Fact]
    public async Task A_batch_size_above_the_read_ahead_is_filled_whole()
    {
        // The shard reads ahead two batches a lane, at least 1,000 records; a batch of 5,000 needs that to grow with it.
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 100 });
        fixture.Mapping.Update(fixture.Mapping.Options with { BatchSize = 5_000 });
        Put(fixture, 0, 6_000);

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal([5_000, 1_000], fixture.Function.EventList.Select(e => e.GetProperty("Records").GetArrayLength()));
    }

    [Fact]
    public async Task A_new_tumbling_window_closes_the_open_window_before_the_next_records()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { TumblingWindow = TimeSpan.FromSeconds(300) });
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Put(fixture, 0, 2);
        await fixture.Mapping.PollUntilIdleAsync();

        fixture.Mapping.Update(fixture.Mapping.Options with { TumblingWindow = TimeSpan.FromSeconds(60) });
        Put(fixture, 2, 1);
        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(3, events.Count);
        Assert.True(events[1].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.Equal(0, events[1].GetProperty("Records").GetArrayLength());
        Assert.Equal(2, events[1].GetProperty("state").GetProperty("count").GetInt32());
        var window = events[2].GetProperty("window");
        Assert.Equal(
            TimeSpan.FromSeconds(60),
            DateTimeOffset.Parse(window.GetProperty("end").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                - DateTimeOffset.Parse(window.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("{}", events[2].GetProperty("state").GetRawText());
        Assert.Equal(["r2"], ScriptedFunction.Data(events[2]));
    }

    [Fact]
    public async Task Turning_the_tumbling_window_off_closes_the_open_window()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { TumblingWindow = TimeSpan.FromSeconds(300) });
        Put(fixture, 0, 1);
        await fixture.Mapping.PollUntilIdleAsync();

        fixture.Mapping.Update(fixture.Mapping.Options with { TumblingWindow = TimeSpan.Zero });
        Put(fixture, 1, 1);
        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(3, events.Count);
        Assert.True(events[1].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.False(events[2].TryGetProperty("window", out _));
        Assert.Equal(["r1"], ScriptedFunction.Data(events[2]));
    }

    [Fact]
    public async Task A_shorter_batching_window_sends_records_already_waiting()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { MaximumBatchingWindow = TimeSpan.FromSeconds(300) });
        Put(fixture, 0, 2);
        await fixture.Mapping.PollUntilIdleAsync();
        Assert.Empty(fixture.Function.Events);

        fixture.Mapping.Update(fixture.Mapping.Options with { MaximumBatchingWindow = TimeSpan.Zero });
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["r0", "r1"], ScriptedFunction.Data(Assert.Single(fixture.Function.Events)));
    }

    [Fact]
    public async Task Settings_that_shape_the_lanes_cannot_change_and_ranges_are_checked()
    {
        await using var fixture = new MappingFixture();

        var lanes = Assert.Throws<ArgumentException>(() => fixture.Mapping.Update(fixture.Mapping.Options with { ParallelizationFactor = 2 }));
        Assert.Contains("Only BatchSize", lanes.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => fixture.Mapping.Update(fixture.Mapping.Options with { BatchSize = 10_001 }));
        Assert.Equal(fixture.Options, fixture.Mapping.Options);
    }

    private static void Put(MappingFixture fixture, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, "key", $"r{i}");
        }
    }
}
