namespace Paywatch.Aws.Emf;

/// <summary>
/// The limits of "Specification: Embedded metric format"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
/// and of the CloudWatch names it carries (PutMetricData's Namespace, MetricDatum and Dimension).
/// </summary>
public static class EmfLimits
{
    /// <summary>A MetricDirective's <c>Metrics</c> array holds at most 100 MetricDefinitions.</summary>
    public const int MaxMetricsPerDirective = 100;

    /// <summary>A metric's value array holds at most 100 values.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>A DimensionSet holds at most 30 dimension keys (9 before CloudWatch raised the limit in 2023).</summary>
    public const int MaxDimensionsPerSet = 30;

    /// <summary>
    /// An EMF document is one CloudWatch Logs event. The specification long said 256 KB; CloudWatch Logs now
    /// accepts events up to 1 MB, but 256 KB keeps documents valid for every ingestion path, older agents included.
    /// </summary>
    public const int MaxDocumentBytes = 256 * 1024;

    public const int MaxNamespaceLength = 255;
    public const int MaxMetricNameLength = 255;
    public const int MaxDimensionNameLength = 255;
    public const int MaxDimensionValueLength = 1024;
}
