namespace Paywatch.Monitoring.Logs;

/// <summary>What a run knows besides the lines: the time range, and the system fields the lines do not carry.</summary>
public sealed record LogQueryOptions
{
    /// <summary>Events before this time are left out (inclusive start, as StartQuery's startTime).</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Events at or after this time are left out.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary><c>@timestamp</c> for a line with no time of its own; the run's start when not given.</summary>
    public DateTimeOffset? DefaultTime { get; init; }

    /// <summary><c>@log</c>, the log group, when known.</summary>
    public string? Log { get; init; }

    /// <summary><c>@logStream</c>, when known.</summary>
    public string? LogStream { get; init; }
}
