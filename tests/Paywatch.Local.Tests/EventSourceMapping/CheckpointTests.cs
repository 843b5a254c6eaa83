using System.Globalization;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Tests.EventSourceMapping;

public sealed class CheckpointTests
{
    [Fact]
    public async Task A_restart_resumes_after_the_last_completed_record()
    {
        await using var fixture = new MappingFixture();
        var first = Enumerable.Range(0, 5).Select(i => fixture.Source.Put(MappingFixture.Shard0, "key", $"old{i}")).ToList();
        await fixture.Mapping.PollUntilIdleAsync();

        await fixture.RestartAsync();
        fixture.Source.Put(MappingFixture.Shard0, "key", "new0");
        fixture.Source.Put(MappingFixture.Shard0, "key", "new1");
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["old0", "old1", "old2", "old3", "old4", "new0", "new1"], fixture.Function.EventList.SelectMany(ScriptedFunction.Data));
        var (state, onDisk) = new ShardCheckpointStore(fixture.Directory, false, new DataFolderReport()).Load(MappingFixture.Shard0);
        Assert.Equal(CheckpointState.Found, state);
        Assert.Equal(fixture.Mapping.CheckpointOf(MappingFixture.Shard0), onDisk?.ToString(CultureInfo.InvariantCulture));
        Assert.Empty(Directory.GetFiles(fixture.Directory, "*.tmp"));
        Assert.True(UInt128.Parse(fixture.Mapping.CheckpointOf(MappingFixture.Shard0)!, CultureInfo.InvariantCulture) > first[^1].SequenceNumber);
    }

    [Fact]
    public async Task A_restart_never_skips_a_record_that_another_lane_had_not_finished()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { ParallelizationFactor = 2, BatchSize = 3, BisectBatchOnFunctionError = false, MaximumRetryAttempts = 10_000 });
        fixture.Function.Respond = e => ScriptedFunction.Data(e).Any(d => d.StartsWith("k0/", StringComparison.Ordinal))
            ? throw new InvalidOperationException("stuck")
            : null;
        var records = Enumerable.Range(0, 40).Select(i => fixture.Source.Put(MappingFixture.Shard0, $"k{i % 8}", $"k{i % 8}/{i}")).ToList();
        for (var i = 0; i < 30; i++)
        {
            await fixture.Mapping.PollOnceAsync();
        }

        var succeeded = fixture.Function.EventList.Where(e => !ScriptedFunction.Data(e).Any(d => d.StartsWith("k0/", StringComparison.Ordinal))).SelectMany(ScriptedFunction.Data).ToList();
        Assert.NotEmpty(succeeded); // the other lane went on
        Assert.Null(fixture.Mapping.CheckpointOf(MappingFixture.Shard0)); // the very first record (k0/0) is not done

        var healthy = new ScriptedFunction { Respond = _ => null };
        await fixture.RestartAsync(healthy);
        await fixture.Mapping.PollUntilIdleAsync();

        var reprocessed = healthy.EventList.SelectMany(ScriptedFunction.Data).ToHashSet();
        Assert.All(records, r => Assert.Contains(System.Text.Encoding.UTF8.GetString(r.Data.Span), reprocessed));
        Assert.Equal(records[^1].SequenceNumber.ToString(CultureInfo.InvariantCulture), fixture.Mapping.CheckpointOf(MappingFixture.Shard0));
    }

    [Fact]
    public async Task LATEST_skips_older_records_and_is_fixed_when_the_mapping_is_created()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { StartingPosition = StartingPosition.Latest });
        fixture.Source.Put(MappingFixture.Shard0, "key", "before");
        await fixture.Mapping.PollUntilIdleAsync();
        fixture.Source.Put(MappingFixture.Shard0, "key", "after-creation");

        await fixture.RestartAsync();
        fixture.Source.Put(MappingFixture.Shard0, "key", "after-restart");
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["after-creation", "after-restart"], fixture.Function.EventList.SelectMany(ScriptedFunction.Data));
    }

    [Fact]
    public async Task An_unreadable_checkpoint_means_reprocessing_from_the_oldest_record_never_skipping()
    {
        await using var fixture = new MappingFixture();
        fixture.Source.Put(MappingFixture.Shard0, "key", "a");
        await fixture.Mapping.PollUntilIdleAsync();
        await File.WriteAllTextAsync(Path.Combine(fixture.Directory, MappingFixture.Shard0 + ".checkpoint"), "{\"shardId\":");

        await fixture.RestartAsync();
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(["a", "a"], fixture.Function.EventList.SelectMany(ScriptedFunction.Data));
    }

    [Fact]
    public async Task While_records_flow_the_checkpoint_file_is_replaced_at_most_once_per_interval_and_when_idle()
    {
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { BatchSize = 2 });
        await using var mapping = new KinesisEventSourceMapping(
            fixture.Options, fixture.Source, fixture.Host, fixture.Destination, Path.Combine(fixture.Directory, "interval"), fixture.Time,
            checkpointInterval: TimeSpan.FromSeconds(1));
        var records = Enumerable.Range(0, 6).Select(i => fixture.Source.Put(MappingFixture.Shard0, "key", $"r{i}")).ToList();
        string? OnDisk() => new ShardCheckpointStore(Path.Combine(fixture.Directory, "interval"), false, new DataFolderReport())
            .Load(MappingFixture.Shard0).After?.ToString(CultureInfo.InvariantCulture);
        string Seq(int i) => records[i].SequenceNumber.ToString(CultureInfo.InvariantCulture);

        Assert.True(await mapping.PollOnceAsync());
        Assert.Equal(Seq(1), mapping.CheckpointOf(MappingFixture.Shard0));
        Assert.Null(OnDisk());

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await mapping.PollOnceAsync());
        Assert.Equal(Seq(3), OnDisk());

        await mapping.PollUntilIdleAsync();
        Assert.Equal(Seq(5), OnDisk());
    }
}
