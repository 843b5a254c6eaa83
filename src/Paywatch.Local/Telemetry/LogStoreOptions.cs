namespace Paywatch.Local.Telemetry;

/// <summary>How long and how much the twin's log group keeps.</summary>
public sealed record LogStoreOptions
{
    /// <summary>
    /// Events older than this are dropped, a whole segment at a time, as CloudWatch Logs expires a log group's events
    /// by its retention setting (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention).
    /// The twin's default is infra/'s <c>log_retention_days</c> (<see cref="LocalTwinSettings.LogRetentionDays"/>).
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most the segments may hold on disk together: past it the oldest are dropped, so a twin left running for
    /// days stays bounded however fast it logs (CloudWatch has no such cap; a laptop has).
    /// </summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>A segment holds at most this span of time: retention and queries skip whole segments.</summary>
    public TimeSpan SegmentDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A segment is closed at an eighth of <see cref="MaxBytes"/>, so the cap drops an eighth at a time, never everything.</summary>
    internal long MaxSegmentBytes => Math.Max(1, MaxBytes / 8);
}
