namespace Paywatch.Local.Notifications;

/// <summary>How the delay between retries grows in the backoff phase of a <see cref="DeliveryPolicy"/>.</summary>
public enum BackoffFunction
{
    Linear,
    Exponential,
}

/// <summary>
/// An SNS delivery policy (the <c>healthyRetryPolicy</c> of https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html):
/// after a failed attempt, <see cref="NumNoDelayRetries"/> retries at once, then <see cref="NumMinDelayRetries"/> at
/// <see cref="MinDelayTarget"/>, then the backoff phase from <see cref="MinDelayTarget"/> to <see cref="MaxDelayTarget"/>,
/// then <see cref="NumMaxDelayRetries"/> at <see cref="MaxDelayTarget"/>; <see cref="NumRetries"/> counts them all. When
/// the policy is exhausted SNS discards the message (no subscription dead-letter queue in the twin). SNS adds jitter;
/// the twin does not, so tests can name each delay.
/// </summary>
public sealed record DeliveryPolicy(
    TimeSpan MinDelayTarget,
    TimeSpan MaxDelayTarget,
    int NumRetries,
    int NumNoDelayRetries = 0,
    int NumMinDelayRetries = 0,
    int NumMaxDelayRetries = 0,
    BackoffFunction BackoffFunction = BackoffFunction.Linear)
{
    /// <summary>SNS's default for HTTP/S: three retries, 20 seconds apart.</summary>
    public static DeliveryPolicy Http { get; } = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), NumRetries: 3);

    /// <summary>
    /// SNS's policy for customer-managed endpoints, SMTP among them: none at once, 2 ten seconds apart, 10 backing off
    /// exponentially from 10 s to 600 s, then 38 ten minutes apart (about 6 hours in all).
    /// </summary>
    public static DeliveryPolicy Smtp { get; } = new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(600), NumRetries: 50, NumNoDelayRetries: 0, NumMinDelayRetries: 2, NumMaxDelayRetries: 38, BackoffFunction.Exponential);

    /// <summary>No retry: the first failure discards the message.</summary>
    public static DeliveryPolicy None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, NumRetries: 0);

    private int BackoffRetries => NumRetries - NumNoDelayRetries - NumMinDelayRetries - NumMaxDelayRetries;

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first retry); null once the policy is exhausted.</summary>
    public TimeSpan? DelayBefore(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retry);
        if (retry > NumRetries)
        {
            return null;
        }

        if (retry <= NumNoDelayRetries)
        {
            return TimeSpan.Zero;
        }

        retry -= NumNoDelayRetries;
        if (retry <= NumMinDelayRetries)
        {
            return MinDelayTarget;
        }

        retry -= NumMinDelayRetries;
        var backoff = BackoffRetries;
        if (retry > backoff)
        {
            return MaxDelayTarget;
        }

        // From the minimum at the first backoff retry to the maximum at the last.
        var position = backoff == 1 ? 1.0 : (retry - 1) / (double)(backoff - 1);
        var min = MinDelayTarget.TotalSeconds;
        var max = MaxDelayTarget.TotalSeconds;
        var seconds = BackoffFunction == BackoffFunction.Exponential && min > 0
            ? min * Math.Pow(max / min, position)
            : min + ((max - min) * position);
        return TimeSpan.FromSeconds(Math.Round(seconds, 3));
    }
}
