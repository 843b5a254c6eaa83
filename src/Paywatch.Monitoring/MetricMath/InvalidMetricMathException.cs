namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// A metric math expression that CloudWatch would reject, or one that cannot be evaluated against the given
/// metrics (an unknown id, a result that is not a single time series).
/// </summary>
public sealed class InvalidMetricMathException : InvalidExpressionException
{
    public InvalidMetricMathException()
    {
    }

    public InvalidMetricMathException(string message)
        : base(message)
    {
    }

    public InvalidMetricMathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal InvalidMetricMathException(string reason, int? position)
        : base("Metric math expression", reason, position)
    {
    }
}
