namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// A metric math expression that CloudWatch would reject, or one that cannot be evaluated against the given
/// metrics (an unknown id, a result that is not a single time series). The message names the problem and, for
/// syntax errors, the 1-based position.
/// </summary>
public sealed class InvalidMetricMathException : Exception
{
    public InvalidMetricMathException()
    {
        Reason = string.Empty;
    }

    public InvalidMetricMathException(string message)
        : base(message)
    {
        Reason = message;
    }

    public InvalidMetricMathException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    internal InvalidMetricMathException(string reason, int? position)
        : base(Format(reason, position))
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The 1-based position of the fault in the expression; null when it concerns the whole expression.</summary>
    public int? Position { get; }

    private static string Format(string reason, int? position) =>
        position is null
            ? $"Metric math expression is not valid: {reason}"
            : $"Metric math expression is not valid: {reason} at position {position.Value.ToString(CultureInfo.InvariantCulture)}";
}
