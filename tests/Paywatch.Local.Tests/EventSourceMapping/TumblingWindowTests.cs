namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html</summary>
public sealed class TumblingWindowTests
{
    private static readonly Paywatch.Local.EventSourceMapping.EventSourceMappingOptions Windowed =
        MappingFixture.Defaults with { TumblingWindow = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task State_is_carried_within_a_window_and_reset_at_its_boundary_after_a_final_invocation()
    {
        await using var fixture = new MappingFixture(Windowed);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        fixture.Source.Put(MappingFixture.Shard0, "key", "b");
        await fixture.Mapping.PollUntilIdleAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++)
        {
            fixture.Source.Put(MappingFixture.Shard0, "key", $"c{i}");
        }

        await fixture.Mapping.PollUntilIdleAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(45)); // 10:01:05, the next window
        fixture.Source.Put(MappingFixture.Shard0, "key", "d");
        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(4, events.Count);
        Assert.Equal(
            ["Records", "window", "state", "shardId", "eventSourceARN", "isFinalInvokeForWindow", "isWindowTerminatedEarly"],
            events[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-11-26T10:00:00Z", events[0].GetProperty("window").GetProperty("start").GetString());
        Assert.Equal("2026-11-26T10:01:00Z", events[0].GetProperty("window").GetProperty("end").GetString());
        Assert.Equal(MappingFixture.Shard0, events[0].GetProperty("shardId").GetString());
        Assert.Equal(fixture.Source.StreamArn, events[0].GetProperty("eventSourceARN").GetString());
        Assert.Equal("{}", events[0].GetProperty("state").GetRawText());
        Assert.False(events[0].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.False(events[0].GetProperty("isWindowTerminatedEarly").GetBoolean());

        Assert.Equal(2, events[1].GetProperty("state").GetProperty("count").GetInt32());
        Assert.False(events[1].GetProperty("isFinalInvokeForWindow").GetBoolean());

        Assert.Equal(0, events[2].GetProperty("Records").GetArrayLength());
        Assert.True(events[2].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.Equal(5, events[2].GetProperty("state").GetProperty("count").GetInt32());
        Assert.Equal("2026-11-26T10:00:00Z", events[2].GetProperty("window").GetProperty("start").GetString());

        Assert.Equal("2026-11-26T10:01:00Z", events[3].GetProperty("window").GetProperty("start").GetString());
        Assert.Equal("2026-11-26T10:02:00Z", events[3].GetProperty("window").GetProperty("end").GetString());
        Assert.Equal("{}", events[3].GetProperty("state").GetRawText());
        Assert.Equal(["d"], ScriptedFunction.Data(events[3]));
    }

    [Fact]
    public async Task A_window_whose_end_passes_gets_its_final_invocation_without_new_records()
    {
        await using var fixture = new MappingFixture(Windowed);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        await fixture.Mapping.PollUntilIdleAsync();
        await fixture.AdvanceAndPollAsync(TimeSpan.FromSeconds(49));
        Assert.Single(fixture.Function.Events);

        await fixture.AdvanceAndPollAsync(TimeSpan.FromSeconds(1));
        await fixture.AdvanceAndPollAsync(TimeSpan.FromSeconds(120));

        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.True(events[1].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.Equal(1, events[1].GetProperty("state").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_batch_never_spans_two_windows()
    {
        await using var fixture = new MappingFixture(Windowed);
        fixture.Source.Put(MappingFixture.Shard0, "key", "late", fixture.Time.GetUtcNow().AddSeconds(50));
        fixture.Source.Put(MappingFixture.Shard0, "key", "next", fixture.Time.GetUtcNow().AddSeconds(70));
        await fixture.AdvanceAndPollAsync(TimeSpan.FromSeconds(75));

        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.Equal(["late"], ScriptedFunction.Data(events[0]));
        Assert.True(events[0].GetProperty("isFinalInvokeForWindow").GetBoolean());
        Assert.Equal(["next"], ScriptedFunction.Data(events[1]));
        Assert.Equal("{}", events[1].GetProperty("state").GetRawText());
        Assert.False(events[1].GetProperty("isFinalInvokeForWindow").GetBoolean());
    }

    [Fact]
    public async Task A_response_without_state_is_a_failed_invocation()
    {
        await using var fixture = new MappingFixture(Windowed);
        var calls = 0;
        fixture.Function.Respond = e => Interlocked.Increment(ref calls) == 1 ? "{\"batchItemFailures\":[]}" : ScriptedFunction.CountingResponse(e);
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");

        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.Equal(["a"], ScriptedFunction.Data(events[1]));
        Assert.Equal("{}", events[1].GetProperty("state").GetRawText());
    }

    /// <summary>The state is whatever JSON the function answered with, handed back exactly, objects or not.</summary>
    [Theory]
    [InlineData("{\"a\":[1,{\"b\":\"x\"}]}")]
    [InlineData("\"text, with \\\"quotes\\\"\"")]
    [InlineData("42")]
    public async Task The_state_the_function_answered_comes_back_exactly_in_the_next_event(string state)
    {
        await using var fixture = new MappingFixture(Windowed);
        fixture.Function.Respond = _ => $$"""{"batchItemFailures":[],"state":{{state}}}""";
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        await fixture.Mapping.PollUntilIdleAsync();
        fixture.Source.Put(MappingFixture.Shard0, "key", "b");
        await fixture.Mapping.PollUntilIdleAsync();

        var events = fixture.Function.EventList;
        Assert.Equal(2, events.Count);
        Assert.Equal(state, events[1].GetProperty("state").GetRawText());
    }
}
