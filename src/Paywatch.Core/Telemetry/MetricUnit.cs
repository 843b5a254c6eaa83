namespace Paywatch.Core.Telemetry;

/// <summary>The CloudWatch units the processor uses (a subset of MetricDatum's <c>Unit</c> values).</summary>
public enum MetricUnit
{
    Count,
    Milliseconds,
    None,
}
