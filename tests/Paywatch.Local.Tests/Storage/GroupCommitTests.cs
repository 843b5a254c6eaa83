using Paywatch.Local.Storage;

namespace Paywatch.Local.Tests.Storage;

public sealed class GroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writers_that_stage_while_a_commit_runs_share_the_next_one_in_order()
    {
        var groups = new List<int[]>();
        using var firstCommitStarted = new ManualResetEventSlim();
        using var releaseFirstCommit = new ManualResetEventSlim();
        using var commit = new GroupCommit<int>(
            "test",
            group =>
            {
                groups.Add([.. group]);
                if (groups.Count == 1)
                {
                    firstCommitStarted.Set();
                    releaseFirstCommit.Wait(Patience);
                }
            },
            _ => { });
        commit.Start();

        var first = commit.Stage(0);
        Assert.True(firstCommitStarted.Wait(Patience));
        var later = Enumerable.Range(1, 5).Select(commit.Stage).ToList();
        Assert.False(first.IsCompleted);
        releaseFirstCommit.Set();
        await Task.WhenAll(later.Prepend(first)).WaitAsync(Patience);

        Assert.Equal([[0], [1, 2, 3, 4, 5]], groups);
    }

    [Fact]
    public async Task A_writer_is_told_only_after_its_group_is_committed_and_made_visible()
    {
        var visible = new List<int>();
        using var commit = new GroupCommit<int>("test", _ => { }, group => visible.AddRange(group));
        commit.Start();

        await commit.Stage(7).WaitAsync(Patience);

        Assert.Equal([7], visible);
    }

    [Fact]
    public async Task After_a_failed_commit_every_later_write_fails_too()
    {
        var calls = 0;
        var visible = new List<int>();
        using var commit = new GroupCommit<int>(
            "test",
            _ =>
            {
                calls++;
                throw new IOException("disk full");
            },
            group => visible.AddRange(group));
        commit.Start();

        var failed = await Assert.ThrowsAsync<IOException>(() => commit.Stage(1).WaitAsync(Patience));
        var later = await Assert.ThrowsAsync<IOException>(() => commit.Stage(2).WaitAsync(Patience));

        Assert.Same(failed, later);
        Assert.Same(failed, commit.Failure);
        Assert.Equal(1, calls);
        Assert.Empty(visible);
    }

    [Fact]
    public async Task A_group_stops_growing_past_its_weight_limit()
    {
        var groups = new List<int[]>();
        using var commit = new GroupCommit<int>("test", group => groups.Add([.. group]), _ => { }, weight: item => item, maxGroupWeight: 10);

        // Staged before the loop starts, so the first group could take them all.
        var writes = new[] { 6, 6, 3, 1, 20, 2 }.Select(commit.Stage).ToList();
        commit.Start();
        await Task.WhenAll(writes).WaitAsync(Patience);

        // A group takes items while its weight is under the limit: 6+6, 3+1+20, 2.
        Assert.Equal([[6, 6], [3, 1, 20], [2]], groups);
    }

    [Fact]
    public async Task Completing_commits_what_is_staged_then_refuses_more()
    {
        var committed = new List<int>();
        using var commit = new GroupCommit<int>("test", group => committed.AddRange(group), _ => { });
        var staged = commit.Stage(1);
        commit.Start();

        commit.Complete();
        await commit.Stopped.WaitAsync(Patience);

        Assert.True(staged.IsCompletedSuccessfully);
        Assert.Equal([1], committed);
        Assert.Throws<ObjectDisposedException>(() => { _ = commit.Stage(2); });
    }

    [Fact]
    public void Completing_and_disposing_again_are_harmless()
    {
        var commit = new GroupCommit<int>("test", _ => { }, _ => { });
        commit.Start();

        commit.Dispose();
        commit.Complete();
        commit.Dispose();

        Assert.True(commit.Stopped.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task When_durable_waits_for_everything_staged_before_it()
    {
        using var release = new ManualResetEventSlim();
        using var commit = new GroupCommit<int>("test", _ => release.Wait(Patience), _ => { });
        Assert.True(commit.WhenDurable().IsCompletedSuccessfully);
        commit.Start();

        var staged = commit.Stage(1);
        var durable = commit.WhenDurable();
        Assert.False(durable.IsCompleted);
        release.Set();
        await durable.WaitAsync(Patience);

        Assert.True(staged.IsCompletedSuccessfully);
    }
}
