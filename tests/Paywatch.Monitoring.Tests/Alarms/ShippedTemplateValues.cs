namespace Paywatch.Monitoring.Tests.Alarms;

/// <summary>What infra/main.tf's local.template_values gives config/alarms for a prod stack (every key the files use).</summary>
internal static class ShippedTemplateValues
{
    public const string Function = "transaction-processor-prod";

    public const string Topic = "arn:aws:sns:us-east-1:111122223333:paywatch-alerts-prod";

    public static IReadOnlyDictionary<string, string> Prod { get; } = new Dictionary<string, string>
    {
        ["environment"] = "prod",
        ["function_name"] = Function,
        ["alerts_topic_arn"] = Topic,
        ["dlq_name"] = "transaction-processor-dlq-prod",
        ["routing_dlq_name"] = "paywatch-routing-dlq-prod",
        ["event_bus_name"] = "paywatch-transactions-prod",
    };
}
