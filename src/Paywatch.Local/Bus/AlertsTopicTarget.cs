namespace Paywatch.Local.Bus;

/// <summary>
/// The one target every rule has, as infra/eventbridge.tf configures it (<c>aws_cloudwatch_event_target.alerts</c>):
/// the alerts topic, target id <c>alerts-topic</c>, with the same input paths and template, so the twin's alert
/// text is the text AWS sends. A test compares these with the Terraform file.
/// </summary>
public static class AlertsTopicTarget
{
    public const string TargetId = "alerts-topic";

    /// <summary>The <c>input_paths</c> of the Terraform target.</summary>
    public static IReadOnlyDictionary<string, string> InputPaths { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["id"] = "$.detail.transaction_id",
        ["status"] = "$.detail.status",
        ["type"] = "$.detail.type",
        ["amount"] = "$.detail.amount",
        ["currency"] = "$.detail.currency",
        ["country"] = "$.detail.merchant_country",
        ["risk"] = "$.detail.risk_score",
        ["count"] = "$.detail.transaction_count",
        ["error"] = "$.detail.error_code",
        ["time"] = "$.time",
    };

    /// <summary>
    /// The text inside the Terraform target's <c>jsonencode(...)</c>, with <c>{rule}</c> and <c>{environment}</c> where
    /// Terraform interpolates the rule's name and the environment.
    /// </summary>
    public const string TemplateText =
        "Paywatch {rule} ({environment}): transaction <id> <status> <type> <amount> <currency> from <country>, risk <risk>, window count <count>, error <error>, at <time>.";

    /// <summary>The target of rule <paramref name="ruleName"/> in <paramref name="environment"/>, delivering to <paramref name="topicArn"/>.</summary>
    public static RuleTarget Create(string ruleName, string environment, string topicArn)
    {
        var text = TemplateText.Replace("{rule}", ruleName, StringComparison.Ordinal).Replace("{environment}", environment, StringComparison.Ordinal);
        // jsonencode of a string: the template is a JSON string, quotes included.
        var template = "\"" + System.Text.Json.JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
        return new RuleTarget(TargetId, topicArn, new InputTransformer(InputPaths, template));
    }
}
