namespace Paywatch.Monitoring.Alarms;

/// <summary>The static-threshold comparison operators of PutMetricAlarm.</summary>
public enum ComparisonOperator
{
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

internal static class ComparisonOperatorExtensions
{
    public static bool Breaches(this ComparisonOperator op, double value, double threshold) => op switch
    {
        ComparisonOperator.GreaterThanOrEqualToThreshold => value >= threshold,
        ComparisonOperator.GreaterThanThreshold => value > threshold,
        ComparisonOperator.LessThanThreshold => value < threshold,
        _ => value <= threshold,
    };

    public static string Describe(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.GreaterThanOrEqualToThreshold => "greater than or equal to",
        ComparisonOperator.GreaterThanThreshold => "greater than",
        ComparisonOperator.LessThanThreshold => "less than",
        _ => "less than or equal to",
    };
}
