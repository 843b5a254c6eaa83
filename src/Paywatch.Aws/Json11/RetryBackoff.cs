namespace Paywatch.Aws.Json11;

/// <summary>
/// Exponential backoff with full jitter: the wait before retry <c>n</c> is drawn uniformly from
/// [0, min(cap, base × 2^(n-1))], which spreads competing clients best for the least total wait
/// ("Exponential Backoff And Jitter", AWS Architecture Blog; the SDKs' standard retry mode does the same).
/// </summary>
public static class RetryBackoff
{
    /// <param name="retry">1 for the first retry.</param>
    /// <param name="random">A draw from [0, 1).</param>
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30)));
        return TimeSpan.FromTicks((long)(Math.Clamp(random, 0, 1) * ceiling));
    }
}
