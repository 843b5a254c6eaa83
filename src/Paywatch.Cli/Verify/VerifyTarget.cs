namespace Paywatch.Cli.Verify;

/// <summary>
/// The deployment <c>paywatch verify</c> checks, named as infra/ names it (from <c>terraform output -json</c>, flags, or
/// the environment's naming). What is null is not compared.
/// </summary>
/// <param name="ShardCount">The stream's expected open shards (<c>kinesis_shard_count</c>).</param>
/// <param name="RuleNames">The routing rules the bus must have, enabled, each targeting the topic.</param>
/// <param name="AlarmNames">The alarms to check; null: every <c>paywatch-*-{environment}</c> alarm.</param>
/// <param name="Mapping">The event source mapping's expected settings (Terraform's variables).</param>
internal sealed record VerifyTarget(
    string Environment,
    string Region,
    string StreamName,
    string FunctionName,
    string LogGroupName,
    string EventBusName,
    string TopicArn,
    int? ShardCount,
    IReadOnlyList<string> RuleNames,
    IReadOnlyList<string>? AlarmNames,
    MappingSettings? Mapping)
{
    /// <summary>The topic's name: the ARN's last part, the <c>TopicName</c> dimension of its AWS/SNS metrics.</summary>
    public string TopicName => TopicArn[(TopicArn.LastIndexOf(':') + 1)..];
}
