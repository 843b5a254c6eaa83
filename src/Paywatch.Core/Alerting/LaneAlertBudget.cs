using System.Globalization;
using Paywatch.Core.Kinesis;

namespace Paywatch.Core.Alerting;

/// <summary>
/// One shard lane's share of the stream's alert budget, paced over the tumbling window: a token bucket whose tokens
/// come at fixed instants of the window, different for each shard, so that the lanes together notify at most
/// <see cref="AlertsPerWindow"/> incidents one by one in a window and never all at the same moment.
/// </summary>
/// <remarks>
/// <para>Lanes share no state (each is its own Lambda invocation chain, https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html),
/// so each works out its share from the lane count: a lane of shard number <c>k</c> has earned, after a fraction
/// <c>u</c> of the window, <c>floor(u × B / L + k / S)</c> tokens (B the stream's budget, L the lanes, S = L / P the
/// shards, P the parallelization factor; <c>k</c> taken modulo S). Summed over the shards' phases <c>k / S</c> that is
/// <c>floor(S × B / L)</c> per lane of a shard (Hermite's identity), so the stream's lanes earn at most B in a window,
/// and two shards never earn a token at the same instant.</para>
/// <para>A lane holds at most <see cref="Capacity"/> tokens, and spends at most that many in a second (one, unless the
/// budget earns a lane more than one a second): tokens not spent while it is quiet are lost, so a burst after a quiet
/// spell cannot release them all at once, and no second carries more than L × capacity alerts. No alert is sent in a
/// window's first or last second, the seconds in which the lanes' closing invocations send the summaries.</para>
/// </remarks>
/// <param name="AlertsPerWindow">The stream's budget: incidents notified one by one, in a window, by all lanes together.</param>
/// <param name="LaneCount">Shards × parallelization factor: how many lanes share the budget.</param>
/// <param name="ParallelizationFactor">Lanes per shard: they share their shard's id, and so its phase.</param>
public sealed record LaneAlertBudget(int AlertsPerWindow, int LaneCount, int ParallelizationFactor = 1)
{
    /// <summary>The stream's shards, as far as the lane count tells.</summary>
    private long Shards => Math.Max(1, LaneCount / ParallelizationFactor);

    /// <summary>The quiet seconds at each end of a window: summaries, not alerts.</summary>
    public static readonly TimeSpan Edge = TimeSpan.FromSeconds(1);

    /// <summary>The lane's average share of the budget per window (may be under one: then only some shards' lanes earn a token).</summary>
    public double Share => (double)AlertsPerWindow / LaneCount;

    /// <summary>The most tokens a lane holds: what it earns in a second, at least one.</summary>
    public long Capacity(TimeSpan window) =>
        window.Ticks <= 0 ? 1 : Math.Max(1, AlertsPerWindow * TimeSpan.TicksPerSecond / (LaneCount * window.Ticks));

    /// <summary>
    /// The tokens a lane of <paramref name="shardId"/> has earned in <paramref name="window"/> by <paramref name="now"/>;
    /// no more once the window's last second has begun.
    /// </summary>
    public long Earned(TumblingWindow window, DateTimeOffset now, string? shardId)
    {
        var length = (long)(window.End - window.Start).TotalMilliseconds;
        if (length <= 0)
        {
            return 0;
        }

        var elapsed = Math.Clamp((long)(now - window.Start).TotalMilliseconds, 0, length - 1);
        // The shard's phase k / S, as (k × P) / L: whole numbers throughout.
        var phase = ShardNumber(shardId) % Shards * ParallelizationFactor;
        return ((AlertsPerWindow * elapsed) + (phase * length)) / (LaneCount * length);
    }

    /// <summary>
    /// Spends a token when the lane has one and has not spent its capacity this second.
    /// Without a window (no tumbling window: each batch its own) a batch may notify the lane's share, at least one.
    /// </summary>
    public bool TryTake(ref AlertBucket bucket, TumblingWindow? window, DateTimeOffset now, string? shardId)
    {
        if (AlertsPerWindow == 0)
        {
            return false;
        }

        if (window is not { } w)
        {
            if (bucket.Spent >= Math.Max(1, AlertsPerWindow / LaneCount))
            {
                return false;
            }

            bucket = bucket with { Spent = bucket.Spent + 1 };
            return true;
        }

        if (now < w.Start + Edge || now >= w.End - Edge)
        {
            return false;
        }

        var earned = Earned(w, now, shardId);
        var capacity = Capacity(w.End - w.Start);
        var second = now.ToUnixTimeSeconds();
        if (earned - bucket.Spent < 1 || (capacity == 1 && bucket.Spent > 0 && bucket.LastAlertSecond == second))
        {
            return false;
        }

        // Tokens beyond the bucket's capacity were lost while the lane was quiet.
        bucket = new AlertBucket(Math.Max(bucket.Spent, earned - capacity) + 1, second);
        return true;
    }

    /// <summary>The number in a Kinesis shard id (<c>shardId-000000000003</c> is 3); 0 when there is none.</summary>
    public static long ShardNumber(string? shardId)
    {
        if (shardId is null)
        {
            return 0;
        }

        var digits = shardId.AsSpan(shardId.LastIndexOf('-') + 1);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }
}
