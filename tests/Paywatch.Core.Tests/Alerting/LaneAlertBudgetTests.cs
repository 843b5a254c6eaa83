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
    // One lane: Q = 10 tokens, floor(10u + 1) by u, and it may take up to 10 a second early: all 10 in the first
    // second after the window's first.
    [InlineData(10, 1, 1, 10)]
    // Terraform's defaults, 5 shards × 2: Q = 5, a lane of shard k earns floor(u + (5 − k)/5), its one token at
    // u = k/5 (shard 0's at the open): 5 × 2.
    [InlineData(10, 5, 2, 10)]
    // Two shards share 100, five a second each: shard 0 earns floor(50u + 1), shard 1 floor(50u + 1/2), 50 each.
    [InlineData(100, 2, 1, 100)]
    // A budget below the lane count: Q = 3, shard k earns floor(3u/10 + (10 − k)/10): shards 0, 1 and 2 (at u = 0, 1/3, 2/3).
    [InlineData(3, 10, 1, 3)]
    // A budget that is not a multiple of the parallelization factor is spent in whole shares of it: Q = floor(5/2) = 2
    // per column, shards 0 and 1 (at u = 0 and 1/2), 2 lanes each.
    [InlineData(5, 5, 2, 4)]
    public void The_lanes_together_notify_at_most_the_stream_s_budget_each_taking_its_share_from_the_lane_count(int alertsPerWindow, int shards, int factor, int expected)
    {
        var budget = new LaneAlertBudget(alertsPerWindow, shards * factor, factor);

        var sent = Flood(budget, shards, factor, windows: 1, every: TimeSpan.FromMilliseconds(100));

        Assert.Equal(expected, sent.Count);
        Assert.True(sent.Count <= alertsPerWindow);
        Assert.True(sent.GroupBy(t => t.ToUnixTimeSeconds()).Max(g => g.Count()) <= LaneAlertBudget.StreamAlertsPerSecond);
    }

    [Fact]
    public void Doubling_the_lanes_halves_each_lane_s_share_and_the_stream_s_total_stays_the_budget()
    {
        for (var shards = 1; shards <= 64; shards *= 2)
        {
            var sent = Flood(new LaneAlertBudget(64, shards * 2, 2), shards, 2, windows: 1, every: TimeSpan.FromSeconds(1));
            // Q = 32 per column, floor(32u) + 1 of them earned by u over the shards: all 32 by u = 31/32, 2 × 32.
            Assert.Equal(64, sent.Count);
        }
    }

    [Fact]
    public void A_quiet_stream_s_first_incident_on_shard_zero_is_notified_as_soon_as_the_window_s_first_second_is_over()
    {
        var budget = new LaneAlertBudget(10, 10, 2);
        var window = new TumblingWindow(Start, Start + FiveMinutes);

        AlertBucket bucket = default;
        Assert.True(budget.TryTake(ref bucket, window, Start + LaneAlertBudget.Edge, Shard(0)));

        // Shard 3's token comes 3/5 of the way in (k / Q of the window, Q = 5).
        bucket = default;
        Assert.False(budget.TryTake(ref bucket, window, Start.AddSeconds(179), Shard(3)));
        Assert.True(budget.TryTake(ref bucket, window, Start.AddSeconds(180), Shard(3)));
    }

    [Fact]
    public void A_single_lane_tells_ten_incidents_of_one_second_one_by_one_and_the_eleventh_waits()
    {
        // paywatch process reads as one lane: its whole share of 10 a second.
        var budget = new LaneAlertBudget(100, 1);
        var window = new TumblingWindow(Start, Start + FiveMinutes);
        AlertBucket bucket = default;

        var taken = Enumerable.Range(0, 11).Count(_ => budget.TryTake(ref bucket, window, Start.AddSeconds(2), Shard(0)));

        Assert.Equal(10, taken);
        // Then at the pace of 100 a window, floor(100u + 1) + 9: the eleventh token at u = 1/100, 3 s in, and no more
        // until 6 s.
        Assert.True(budget.TryTake(ref bucket, window, Start.AddSeconds(3), Shard(0)));
        Assert.False(budget.TryTake(ref bucket, window, Start.AddSeconds(5.9), Shard(0)));
        Assert.True(budget.TryTake(ref bucket, window, Start.AddSeconds(6), Shard(0)));
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
        // Ten lanes may each send one a second; one lane ten.
        Assert.Equal(1, new LaneAlertBudget(10, 10).Capacity(FiveMinutes));
        Assert.Equal(10, new LaneAlertBudget(10, 1).Capacity(FiveMinutes));
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
