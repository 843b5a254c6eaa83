namespace Paywatch.Cost;

/// <summary>
/// Billable quantities over a period, in AWS's billing units: what <see cref="CostModel"/> prices. <c>paywatch cost</c> fills it
/// for a month from a measured footprint; a live meter (the twin) can add up the same quantities as it runs and
/// <see cref="Scale"/> them to a month.
/// </summary>
public sealed record Usage
{
    public double ShardHours { get; init; }

    /// <summary>A record's data in 25 KB units, each rounded up (<see cref="BillingUnits.PutPayloadUnits"/>).</summary>
    public double PutPayloadUnits { get; init; }

    public double LambdaRequests { get; init; }

    /// <summary>Memory as configured (GB) times billed duration (s), x86_64.</summary>
    public double LambdaGbSecondsX86 { get; init; }

    /// <summary>Memory as configured (GB) times billed duration (s), arm64.</summary>
    public double LambdaGbSecondsArm { get; init; }

    /// <summary>PutEvents entries in 64 KB chunks (<see cref="BillingUnits.EventBridgeEvents"/>).</summary>
    public double EventBridgeEvents { get; init; }

    /// <summary>SNS publishes in 64 KB chunks: here every event a rule routes to the alerts topic.</summary>
    public double SnsPublishes { get; init; }

    public double SnsEmailDeliveries { get; init; }

    public double SnsHttpDeliveries { get; init; }

    /// <summary>Distinct namespace × metric × dimension combinations a month (<see cref="Footprint.MetricCounter"/>).</summary>
    public double CustomMetrics { get; init; }

    /// <summary>Metrics evaluated by standard-resolution metric alarms (an alarm on metric math counts each metric).</summary>
    public double StandardAlarmMetrics { get; init; }

    public double CompositeAlarms { get; init; }

    public double Dashboards { get; init; }

    /// <summary>Log data ingested, GB (10^9 bytes): log lines, EMF documents and Lambda's own lines.</summary>
    public double LogIngestedGb { get; init; }

    /// <summary>Compressed log data kept, GB-months.</summary>
    public double LogStoredGbMonths { get; init; }

    public double LogsInsightsScannedGb { get; init; }

    public double TracesRecorded { get; init; }

    public double TracesRetrieved { get; init; }

    public double InsightsTraces { get; init; }

    public double KmsKeys { get; init; }

    public double KmsRequests { get; init; }

    public double SqsRequests { get; init; }

    public double EcrStorageGbMonths { get; init; }

    /// <summary>Interface endpoint-hours: endpoints × Availability Zones × hours (infra/network.tf); 0 outside a VPC.</summary>
    public double VpcEndpointHours { get; init; }

    /// <summary>GB (10^9 bytes) through the interface endpoints: PutEvents requests and X-Ray segments.</summary>
    public double VpcEndpointGb { get; init; }

    /// <summary>Each quantity with the id of its price in a <see cref="Prices.PriceTable"/>.</summary>
    public IEnumerable<(string PriceId, double Quantity)> Quantities()
    {
        yield return ("kinesis.shard_hours", ShardHours);
        yield return ("kinesis.put_payload_units", PutPayloadUnits);
        yield return ("lambda.requests", LambdaRequests);
        yield return ("lambda.duration_x86_64", LambdaGbSecondsX86);
        yield return ("lambda.duration_arm64", LambdaGbSecondsArm);
        yield return ("eventbridge.custom_events", EventBridgeEvents);
        yield return ("sns.publishes", SnsPublishes);
        yield return ("sns.email_deliveries", SnsEmailDeliveries);
        yield return ("sns.http_deliveries", SnsHttpDeliveries);
        yield return ("cloudwatch.custom_metrics", CustomMetrics);
        yield return ("cloudwatch.standard_alarm_metrics", StandardAlarmMetrics);
        yield return ("cloudwatch.composite_alarms", CompositeAlarms);
        yield return ("cloudwatch.dashboards", Dashboards);
        yield return ("logs.ingestion", LogIngestedGb);
        yield return ("logs.storage", LogStoredGbMonths);
        yield return ("logs.insights_scanned", LogsInsightsScannedGb);
        yield return ("xray.traces_recorded", TracesRecorded);
        yield return ("xray.traces_retrieved", TracesRetrieved);
        yield return ("xray.insights_traces", InsightsTraces);
        yield return ("kms.keys", KmsKeys);
        yield return ("kms.requests", KmsRequests);
        yield return ("sqs.requests", SqsRequests);
        yield return ("ecr.storage", EcrStorageGbMonths);
        if (VpcEndpointHours > 0)
        {
            // Only with private networking on: a deployment without endpoints has no such line.
            yield return ("vpc.interface_endpoint_hours", VpcEndpointHours);
            yield return ("vpc.interface_endpoint_data", VpcEndpointGb);
        }
    }
}
