namespace Paywatch.Local.Alarms;

/// <summary>
/// The values every <c>config/</c> template may use, as infra/main.tf's <c>local.template_values</c> defines them,
/// for one environment: the twin's are those of environment <c>local</c>.
/// </summary>
public static class AlarmTemplateValues
{
    public static IReadOnlyDictionary<string, string> For(string environment, string region = "us-east-1", string accountId = "000000000000")
    {
        var functionName = $"transaction-processor-{environment}";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["environment"] = environment,
            ["function_name"] = functionName,
            ["alerts_topic_arn"] = $"arn:aws:sns:{region}:{accountId}:paywatch-alerts-{environment}",
            ["region"] = region,
            ["stream_name"] = $"transaction-stream-{environment}",
            ["dlq_name"] = $"transaction-processor-dlq-{environment}",
            ["log_group"] = $"/aws/lambda/{functionName}",
            ["alarm_arn_prefix"] = $"arn:aws:cloudwatch:{region}:{accountId}:alarm:",
        };
    }
}
