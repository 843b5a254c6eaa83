namespace Paywatch.Cost;

/// <summary>
/// What the stack did over a period, stream-wide, in the quantities AWS bills: <c>paywatch cost</c> derives it from a measured
/// <see cref="Footprint.Footprint"/>, the twin's meter counts it as the twin runs; <see cref="MonthlyUsage.From(MeteredRun, Deployment.DeploymentSettings, Assumptions)"/>
/// turns either into a month of <see cref="Usage"/>.
/// </summary>
public sealed record MeteredRun
{
    public required TimeSpan Period { get; init; }

    public required double Records { get; init; }

    /// <summary>Each record's data in 25 KB units, rounded up (<see cref="BillingUnits.PutPayloadUnits"/>).</summary>
    public required double PutPayloadUnits { get; init; }

    public required double Invocations { get; init; }

    /// <summary>Billed Lambda duration at the configured memory.</summary>
    public required double LambdaGbSeconds { get; init; }

    public required double EventEntries { get; init; }

    /// <summary>PutEvents entries in 64 KB chunks (<see cref="BillingUnits.EventBridgeEvents"/>).</summary>
    public required double BilledEvents { get; init; }

    /// <summary>SNS publishes to the alerts topic (each rule's one target).</summary>
    public required double Publishes { get; init; }

    /// <summary>Distinct custom metrics the processor's EMF created (namespace × metric × dimension set and values).</summary>
    public required double CustomMetrics { get; init; }

    /// <summary>The processor's log lines and EMF documents, UTF-8 bytes (Lambda's own lines are added by the model).</summary>
    public required double LogBytes { get; init; }

    /// <summary>Compressed bytes / bytes of the logs.</summary>
    public required double LogCompressionRatio { get; init; }

    /// <summary>X-Ray traces recorded (root spans).</summary>
    public required double Traces { get; init; }

    /// <summary>
    /// Bytes the function sends to AWS over the network (PutEvents entries, X-Ray segment documents): what interface endpoints
    /// process when it runs in a VPC. 0 where not counted (the twin's meter: the twin deploys no VPC).
    /// </summary>
    public double AwsRequestBytes { get; init; }
}
