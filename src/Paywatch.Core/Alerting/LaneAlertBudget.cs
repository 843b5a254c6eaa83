using System.Globalization;
using Paywatch.Core.Kinesis;

namespace Paywatch.Core.Alerting;

/// <summary>
/// One shard lane's share of the stream's alert budget, paced over the tumbling window: a token bucket whose tokens
/// come at fixed instants of the window, different for each shard, so that the lanes together notify at most
/// <see cref="AlertsPerWindow"/> incidents one by one in a window, spread over it, and at most
/// <see cref="StreamAlertsPerSecond"/> in a second while the stream has at most ten lanes.
/// </summary>
/// <remarks>
/// <para>Lanes share no state (each is its own Lambda invocation chain, https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html),
/// and the lanes of one shard are invoked with the same shard id, so they earn alike: the stream's budget B is spent in
/// whole shares of P (the parallelization factor), Q = floor(B / P) tokens for each of the P columns of S shards. A lane
/// of shard number <c>k</c> (modulo S) has earned, after a fraction <c>u</c> of the window,
/// <c>floor(u × Q / S + (S − k) / S)</c> tokens: shard 0's first token at the window's open, shard k's k / Q of the
/// way in. Summed over the shards that is <c>floor(u × Q) + 1</c> (Hermite's identity), at most Q while u &lt; 1, so
/// the stream's lanes earn at most P × Q ≤ B in a window, and two shards never earn a token at the same instant.</para>
/// <para>Besides, a lane may take up to <see cref="PerSecond"/> − 1 of its window's tokens early (none with ten lanes or
/// more), so that with few lanes (one, in <c>paywatch process</c>) a burst of distinct incidents is told one by one up to
/// the second's share. The stagger keeps the window's alerts spread: with many lanes an on-call engineer gets a few a
/// minute, not all of them as the window opens.
/// A lane spends at most <see cref="PerSecond"/> tokens a second (10 / L, at least one), and holds at most a second's
/// worth: tokens not spent while it is quiet are lost, so a burst after a quiet spell cannot release them all at
/// once. No alert is sent in a window's first or last second, the seconds in which the lanes' closing invocations send
/// the summaries.</para>
/// </remarks>
/// <param name="AlertsPerWindow">The stream's budget: incidents notified one by one, in a window, by all lanes together.</param>
/// <param name="LaneCount">Shards × parallelization factor: how many lanes share the budget.</param>
/// <param name="ParallelizationFactor">Lanes per shard: they share their shard's id, and so its phase.</param>
public sealed record LaneAlertBudget(int AlertsPerWindow, int LaneCount, int ParallelizationFactor = 1)
{
    /// <summary>
    /// What SNS delivers to an email subscription in a second
    /// (https://docs.aws.amazon.com/general/latest/gr/sns.html, "Email: 10 messages per second"): the stream's lanes
    /// together stay within it.
    /// </summary>
    public const int StreamAlertsPerSecond = 10;

    /// <summary>The quiet seconds at each end of a window: summaries, not alerts.</summary>
    public static readonly TimeSpan Edge = TimeSpan.FromSeconds(1);

    /// <summary>The stream's shards, as far as the lane count tells.</summary>
    private long Shards => Math.Max(1, LaneCount / ParallelizationFactor);

    /// <summary>The tokens a window gives the lanes of one parallel column of shards: floor(B / P).</summary>
    private long ColumnBudget => AlertsPerWindow / ParallelizationFactor;

    /// <summary>The most alerts a lane sends in a second: its share of <see cref="StreamAlertsPerSecond"/>, at least one.</summary>
    public long PerSecond => Math.Max(1, StreamAlertsPerSecond / LaneCount);

    /// <summary>The most tokens a lane holds: what it earns in a second or may spend in one, whichever is more.</summary>
    public long Capacity(TimeSpan window) =>
        window.Ticks <= 0 ? PerSecond : Math.Max(PerSecond, ColumnBudget * TimeSpan.TicksPerSecond / (Shards * window.Ticks));

    /// <summary>
    /// The tokens a lane of <paramref name="shardId"/> has earned in <paramref name="window"/> by <paramref name="now"/>
    /// (early ones included); no more once the window's last second has begun.
    /// </summary>
    public long Earned(TumblingWindow window, DateTimeOffset now, string? shardId)
    {
        var length = (long)(window.End - window.Start).TotalMilliseconds;
        if (length <= 0 || ColumnBudget == 0)
        {
            return 0;
        }

        var elapsed = Math.Clamp((long)(now - window.Start).TotalMilliseconds, 0, length - 1);
        var phase = Shards - (ShardNumber(shardId) % Shards); // (S − k), of S
        long PacedBy(long ms) => ((ColumnBudget * ms) + (phase * length)) / (Shards * length);
        return Math.Min(PacedBy(length - 1), PacedBy(elapsed) + PerSecond - 1);
    }

    /// <summary>
    /// Spends a token when the lane has one and has not spent its share of this second.
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
        var second = now.ToUnixTimeSeconds();
        var inSecond = bucket.LastAlertSecond == second ? bucket.InSecond : 0;
        if (earned - bucket.Spent < 1 || inSecond >= PerSecond)
        {
            return false;
        }

        // Tokens beyond the bucket's capacity were lost while the lane was quiet.
        bucket = new AlertBucket(Math.Max(bucket.Spent, earned - Capacity(w.End - w.Start)) + 1, second, inSecond + 1);
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
