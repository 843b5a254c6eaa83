using Paywatch.Core.Alerting;
using Paywatch.Core.Kinesis;

namespace Paywatch.Core.Tests.Alerting;

/// <summary>
/// The stream's alert budget split over its lanes and paced over the window (docs/alerting.md). Lanes are simulated
/// as Lambda runs them with a parallelization factor (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html):
/// each shard's lanes are invoked with that shard's id, and every lane keeps only its own window state.
/// </summary>
public sealed class LaneAlertBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private static string Shard(int number) => $"shardId-{number:D12}";

    /// <summary>
    /// Every lane of <paramref name="shards"/> × <paramref name="factor"/> has an incident to notify every
    /// <paramref name="every"/> from <paramref name="from"/> on, through <paramref name="windows"/> windows; the times
    /// of the alerts the budget lets through.
    /// </summary>
    private static List<DateTimeOffset> Flood(LaneAlertBudget budget, int shards, int factor, int windows, TimeSpan every, TimeSpan from = default)
    {
        var sent = new List<DateTimeOffset>();
        for (var w = 0; w < windows; w++)
        {
            var window = new TumblingWindow(Start + (w * FiveMinutes), Start + ((w + 1) * FiveMinutes));
            var spent = new AlertBucket[shards * factor]; // each lane's state, new each window as Lambda's is
            for (var now = window.Start + from; now < window.End; now += every)
            {
                for (var lane = 0; lane < spent.Length; lane++)
                {
                    if (budget.TryTake(ref spent[lane], window, now, Shard(lane / factor)))
                    {
                        sent.Add(now);
                    }
                }
            }
        }

        return sent;
    }

    [Theory]
    // One lane: tokens at u = 1/10, 2/10, ... 9/10 of the window (u = 1 is its end): 9.
    [InlineData(10, 1, 1, 9)]
    // Terraform's defaults, 5 shards × 2: a lane of shard k earns floor(u + k/5); shards 1-4 earn one before the end, shard 0 none: 4 × 2.
    [InlineData(10, 5, 2, 8)]
    // Two shards share 100: shard 0 earns floor(50u) (49 before the end), shard 1 floor(50u + 1/2) (50).
    [InlineData(100, 2, 1, 99)]
    // A budget below the lane count: shard k earns floor(3u/10 + k/10), so only shards 8 and 9 reach one (k/10 ≥ 7/10).
    [InlineData(3, 10, 1, 2)]
    public void The_lanes_together_notify_at_most_the_stream_s_budget_each_taking_its_share_from_the_lane_count(int alertsPerWindow, int shards, int factor, int expected)
    {
        var budget = new LaneAlertBudget(alertsPerWindow, shards * factor, factor);

        var sent = Flood(budget, shards, factor, windows: 1, every: TimeSpan.FromMilliseconds(100));

        Assert.Equal(expected, sent.Count);
        Assert.True(sent.Count <= alertsPerWindow);
    }

    [Fact]
    public void Doubling_the_lanes_halves_each_lane_s_share_and_the_stream_s_total_stays_the_budget()
    {
        for (var shards = 1; shards <= 64; shards *= 2)
        {
            var sent = Flood(new LaneAlertBudget(64, shards * 2, 2), shards, 2, windows: 1, every: TimeSpan.FromSeconds(1));
            // floor(S × 64 / 2S) = 32 per lane of a shard, less the token shard 0 earns only at the window's end: 2 × 31.
            Assert.Equal(62, sent.Count);
        }
    }

    [Fact]
    public void No_second_carries_more_than_ten_alerts_and_none_falls_in_a_window_s_first_or_last_second()
    {
        // Terraform's lanes with a budget large enough to give each lane a token every three seconds, flooded through
        // two windows so that one closes and the next opens while every lane has an incident waiting.
        var budget = new LaneAlertBudget(1_000, 10, 2);

        var sent = Flood(budget, shards: 5, factor: 2, windows: 2, every: TimeSpan.FromMilliseconds(50));

        Assert.InRange(sent.Count, 1_900, 2_000);
        Assert.True(sent.GroupBy(t => t.ToUnixTimeSeconds()).Max(g => g.Count()) <= 10);
        foreach (var edge in new[] { Start, Start + FiveMinutes, Start + (2 * FiveMinutes) })
        {
            Assert.DoesNotContain(sent, t => t >= edge - LaneAlertBudget.Edge && t < edge + LaneAlertBudget.Edge);
        }
    }

    [Fact]
    public void A_burst_after_a_quiet_spell_finds_one_token_a_lane_not_everything_the_lane_earned_meanwhile()
    {
        var budget = new LaneAlertBudget(1_000, 10, 2);

        // Quiet for 200 s: each lane has earned about 66 tokens, but its bucket holds one, and a lane alerts once a second.
        var sent = Flood(budget, shards: 5, factor: 2, windows: 1, every: TimeSpan.FromMilliseconds(10), from: TimeSpan.FromSeconds(200));

        var first = sent.GroupBy(t => t.ToUnixTimeSeconds()).OrderBy(g => g.Key).First();
        Assert.Equal(Start.AddSeconds(200).ToUnixTimeSeconds(), first.Key);
        Assert.Equal(10, first.Count());
        Assert.True(sent.GroupBy(t => t.ToUnixTimeSeconds()).Max(g => g.Count()) <= 10);
    }

    [Fact]
    public void A_budget_that_earns_a_lane_several_tokens_a_second_holds_a_second_s_worth()
    {
        // 10,000 over 300 s for one lane: 33 a second.
        Assert.Equal(33, new LaneAlertBudget(10_000, 1).Capacity(FiveMinutes));
        Assert.Equal(1, new LaneAlertBudget(10, 10).Capacity(FiveMinutes));
    }

    [Fact]
    public void Without_a_window_a_batch_notifies_the_lane_s_share_and_a_zero_budget_notifies_nothing()
    {
        AlertBucket spent = default;
        var budget = new LaneAlertBudget(25, 10, 2);
        Assert.True(budget.TryTake(ref spent, null, Start, Shard(0)));
        Assert.True(budget.TryTake(ref spent, null, Start, Shard(0)));
        Assert.False(budget.TryTake(ref spent, null, Start, Shard(0)));

        spent = default;
        var window = new TumblingWindow(Start, Start + FiveMinutes);
        Assert.False(new LaneAlertBudget(0, 1).TryTake(ref spent, window, Start.AddMinutes(4), Shard(0)));
    }

    [Theory]
    [InlineData("shardId-000000000007", 7)]
    [InlineData("shardId-000000000000", 0)]
    [InlineData(null, 0)]
    [InlineData("not-a-shard", 0)]
    public void A_shard_s_number_sets_its_lanes_phase(string? shardId, long number) =>
        Assert.Equal(number, LaneAlertBudget.ShardNumber(shardId));
}
