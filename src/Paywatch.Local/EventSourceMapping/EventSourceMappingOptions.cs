namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// The settings of <c>aws_lambda_event_source_mapping.transactions</c> (infra/lambda.tf), with the defaults of
/// infra/variables.tf, so the twin's mapping behaves as the deployed one does. Names follow CreateEventSourceMapping
/// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html); ranges are the ones
/// variables.tf validates (stricter than Lambda's where Terraform is: no infinite retries or record age).
/// </summary>
public sealed record EventSourceMappingOptions
{
    /// <summary><c>event_source_batch_size</c>: most records per invocation (1-10,000).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary><c>event_source_batching_window_seconds</c>: longest time records are gathered before invoking (0-300 s).</summary>
    public TimeSpan MaximumBatchingWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>event_source_parallelization_factor</c>: concurrent batches per shard (1-10).</summary>
    public int ParallelizationFactor { get; init; } = 2;

    /// <summary><c>bisect_batch_on_function_error</c>, set to true in infra/lambda.tf.</summary>
    public bool BisectBatchOnFunctionError { get; init; } = true;

    /// <summary><c>event_source_maximum_retry_attempts</c>: retries of a failing batch (0-10,000).</summary>
    public int MaximumRetryAttempts { get; init; } = 3;

    /// <summary><c>event_source_maximum_record_age_seconds</c>: oldest record still sent to the function (60-604,800 s).</summary>
    public TimeSpan MaximumRecordAge { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary><c>function_response_types = ["ReportBatchItemFailures"]</c> in infra/lambda.tf.</summary>
    public bool ReportBatchItemFailures { get; init; } = true;

    /// <summary><c>tumbling_window_seconds</c>: the tumbling window (0 turns windows off; at most 900 s).</summary>
    public TimeSpan TumblingWindow { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>starting_position = "LATEST"</c> in infra/lambda.tf.</summary>
    public StartingPosition StartingPosition { get; init; } = StartingPosition.Latest;

    /// <summary>
    /// Fixes the event's <c>awsRegion</c> and the ARNs' region; the twin's default is us-east-1 (infra/ has no default
    /// region, AWS CLI users commonly have this one).
    /// </summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in the ARNs: the twin's fixed account id.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>
    /// Refuses what Terraform's validations refuse (infra/variables.tf), naming the setting.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(BatchSize is >= 1 and <= 10_000, nameof(BatchSize), "must be from 1 to 10,000");
        Require(MaximumBatchingWindow >= TimeSpan.Zero && MaximumBatchingWindow <= TimeSpan.FromSeconds(300), nameof(MaximumBatchingWindow), "must be from 0 to 300 seconds");
        Require(ParallelizationFactor is >= 1 and <= 10, nameof(ParallelizationFactor), "must be from 1 to 10");
        Require(MaximumRetryAttempts is >= 0 and <= 10_000, nameof(MaximumRetryAttempts), "must be from 0 to 10,000");
        Require(MaximumRecordAge >= TimeSpan.FromSeconds(60) && MaximumRecordAge <= TimeSpan.FromSeconds(604_800), nameof(MaximumRecordAge), "must be from 60 to 604,800 seconds");
        Require(TumblingWindow >= TimeSpan.Zero && TumblingWindow <= TimeSpan.FromSeconds(900) && TumblingWindow.Ticks % TimeSpan.TicksPerSecond == 0, nameof(TumblingWindow), "must be whole seconds from 0 to 900");
        Require(!string.IsNullOrWhiteSpace(Region), nameof(Region), "must not be empty");
        Require(AccountId is { Length: 12 } && AccountId.All(char.IsAsciiDigit), nameof(AccountId), "must be 12 digits");
    }

    private static void Require(bool valid, string setting, string rule)
    {
        if (!valid)
        {
            throw new ArgumentException($"Event source mapping setting {setting} {rule}.", setting);
        }
    }
}
