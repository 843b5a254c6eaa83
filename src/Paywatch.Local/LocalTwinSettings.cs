namespace Paywatch.Local;

/// <summary>
/// What the twin deploys, named as infra/ names it for environment <c>local</c> (infra/main.tf's locals) and sized
/// with infra/variables.tf's defaults, so that config/'s alarms, dashboard and queries apply unchanged. A test in
/// Paywatch.Infra.Tests ties every default here to Terraform's.
/// </summary>
public sealed record LocalTwinSettings
{
    /// <summary>The account id the twin's ARNs carry (LocalStack's choice too: no real account has it).</summary>
    public const string AccountId = "000000000000";

    public string Environment { get; init; } = "local";

    public string Region { get; init; } = "us-east-1";

    /// <summary>Where the stream, checkpoints, DLQ, logs and notifications live.</summary>
    public string DataDirectory { get; init; } = ".paywatch";

    /// <summary>The AWS-compatible endpoint's port on 127.0.0.1 (not LocalStack's 4566, nor its legacy per-service
    /// ports 4567-4597 or its external service ports 4510-4559, so the two run side by side).</summary>
    public int Port { get; init; } = 4600;

    /// <summary>
    /// Host names the endpoint answers to besides loopback ones (<c>paywatch up --allow-host</c>): any other
    /// <c>Host</c> or state-changing <c>Origin</c> is refused (docs/local-twin.md, the safety model).
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary><c>kinesis_shard_count</c>.</summary>
    public int ShardCount { get; init; } = 5;

    /// <summary><c>kinesis_retention_hours</c>.</summary>
    public int RetentionHours { get; init; } = 24;

    /// <summary><c>lambda_timeout_seconds</c>.</summary>
    public int FunctionTimeoutSeconds { get; init; } = 60;

    /// <summary><c>lambda_memory_mb</c>: reported by the Lambda API (the twin runs the function in its own process).</summary>
    public int FunctionMemoryMb { get; init; } = 512;

    /// <summary>The tag of the function's image the Lambda API reports (Terraform's <c>image_tag</c> has no default: each deploy sets it).</summary>
    public string ImageTag { get; init; } = "v1";

    /// <summary><c>lambda_reserved_concurrency</c>: null (Terraform's default) leaves the function unreserved, bounded only by the account's concurrency (<see cref="AccountConcurrency"/>).</summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>The account's concurrent executions, Lambda's default quota: what an unreserved function may use.</summary>
    public const int AccountConcurrency = 1000;

    /// <summary><c>alerts_per_window</c> (<c>PAYWATCH_ALERTS_PER_WINDOW</c>): incidents the whole stream notifies one by one in a window (docs/alerting.md).</summary>
    public int AlertsPerWindow { get; init; } = 10;

    /// <summary><c>trace_mode</c> (<c>PAYWATCH_TRACE_MODE</c>): a trace per invocation, per transaction, or none.</summary>
    public Paywatch.Core.Telemetry.TraceMode TraceMode { get; init; } = Paywatch.Core.Telemetry.TraceMode.Invocation;

    /// <summary>
    /// <c>paywatch up --kinesis-limits</c>: the stream refuses records past a provisioned shard's write limits (1,000
    /// records and 1 MiB a second) with <c>ProvisionedThroughputExceededException</c>
    /// (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html). Off by default: the twin is not
    /// capacity-bound, and a load test of the pipeline should not measure a throttle.
    /// </summary>
    public bool EnforceKinesisLimits { get; init; }

    /// <summary><c>log_retention_days</c>: the log group's lines older than this are dropped.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>The most the log group keeps on disk (no Terraform counterpart: CloudWatch has no cap); the oldest lines go first.</summary>
    public long LogMaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// The most the stream keeps on disk, shared evenly by its shards (no Terraform counterpart: Kinesis has no cap); the
    /// oldest segments go first, once processed (docs/twin-kinesis.md).
    /// </summary>
    public long StreamMaxBytes { get; init; } = 5L * 1024 * 1024 * 1024;

    public string StreamName => $"transaction-stream-{Environment}";

    public string FunctionName => $"transaction-processor-{Environment}";

    public string LogGroupName => $"/aws/lambda/{FunctionName}";

    /// <summary>The ECR repository of the function's image.</summary>
    public string RepositoryName => $"transaction-processor-{Environment}";

    /// <summary>infra/main.tf's <c>image_uri</c> when <c>image_uri</c> is not set: the repository's URL and the tag.</summary>
    public string ImageUri => $"{AccountId}.dkr.ecr.{Region}.amazonaws.com/{RepositoryName}:{ImageTag}";

    public string EventBusName => $"paywatch-transactions-{Environment}";

    public string TopicName => $"paywatch-alerts-{Environment}";

    public string DeadLetterQueueName => $"transaction-processor-dlq-{Environment}";

    /// <summary>
    /// Terraform's routing dead-letter queue, named for the alarm on its depth. The twin's bus delivers to the topic in
    /// process and has no retries to exhaust, so this queue is never created: an undeliverable event counts
    /// FailedInvocations instead (docs/local-twin.md).
    /// </summary>
    public string RoutingDeadLetterQueueName => $"paywatch-routing-dlq-{Environment}";

    public string StreamArn => $"arn:aws:kinesis:{Region}:{AccountId}:stream/{StreamName}";

    public string FunctionArn => $"arn:aws:lambda:{Region}:{AccountId}:function:{FunctionName}";

    public string TopicArn => $"arn:aws:sns:{Region}:{AccountId}:{TopicName}";

    /// <summary>The values config/'s templates are filled with: the keys of infra/main.tf's <c>local.template_values</c>.</summary>
    public IReadOnlyDictionary<string, string> TemplateValues => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["environment"] = Environment,
        ["function_name"] = FunctionName,
        ["alerts_topic_arn"] = TopicArn,
        ["region"] = Region,
        ["stream_name"] = StreamName,
        ["dlq_name"] = DeadLetterQueueName,
        ["routing_dlq_name"] = RoutingDeadLetterQueueName,
        ["event_bus_name"] = EventBusName,
        ["log_group"] = LogGroupName,
        ["alarm_arn_prefix"] = $"arn:aws:cloudwatch:{Region}:{AccountId}:alarm:",
    };
}
