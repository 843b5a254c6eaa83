using Paywatch.Local.Notifications;

namespace Paywatch.Local.Tests.Notifications;

/// <summary>https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html</summary>
public sealed class DeliveryPolicyTests
{
    [Fact]
    public void The_HTTP_default_retries_three_times_twenty_seconds_apart_then_gives_up()
    {
        Assert.Equal(
            [TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), null],
            Enumerable.Range(1, 4).Select(DeliveryPolicy.Http.DelayBefore));
    }

    [Fact]
    public void The_SMTP_policy_has_SNS_phases_two_at_ten_seconds_ten_backing_off_to_ten_minutes_then_thirty_eight_at_ten_minutes()
    {
        var delays = Enumerable.Range(1, 51).Select(DeliveryPolicy.Smtp.DelayBefore).ToList();

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], delays[..2]);
        var backoff = delays[2..12].Select(d => d!.Value.TotalSeconds).ToList();
        Assert.Equal(10, backoff[0]);
        Assert.Equal(600, backoff[^1]);
        Assert.True(backoff.Zip(backoff.Skip(1)).All(p => p.Second > p.First), "the backoff phase grows");
        Assert.True(backoff[1] / backoff[0] > 1.5 && Math.Abs((backoff[2] / backoff[1]) - (backoff[1] / backoff[0])) < 0.01, "exponentially");
        Assert.All(delays[12..50], d => Assert.Equal(TimeSpan.FromSeconds(600), d));
        Assert.Null(delays[50]);
        Assert.InRange(delays[..50].Sum(d => d!.Value.TotalHours), 6, 7);
    }

    [Fact]
    public void Immediate_retries_come_first_and_a_linear_backoff_is_evenly_spaced()
    {
        var policy = new DeliveryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), NumRetries: 8, NumNoDelayRetries: 2, NumMinDelayRetries: 1, NumMaxDelayRetries: 0);

        Assert.Equal(
            new double[] { 0, 0, 1, 1, 3, 5, 7, 9 },
            Enumerable.Range(1, 8).Select(r => policy.DelayBefore(r)!.Value.TotalSeconds));
        Assert.Null(DeliveryPolicy.None.DelayBefore(1));
    }
}
