using System.Text.Json;

namespace Paywatch.Cli.Verify;

/// <summary>
/// Reads <c>terraform output -json</c> (an object of outputs, each <c>{"value": …, "type": …, "sensitive": …}</c>:
/// https://developer.hashicorp.com/terraform/cli/commands/output) into the names infra/outputs.tf gives.
/// </summary>
internal static class TerraformOutput
{
    private static readonly string[] Required = ["kinesis_stream_name", "lambda_function_name", "log_group_name", "event_bus_name", "alerts_topic_arn", "aws_region"];

    /// <param name="ruleNames">The rules to expect when the output does not list them (config/rules' names).</param>
    /// <exception cref="FormatException">Not terraform's JSON, or an output verify needs is missing (the message says which).</exception>
    public static VerifyTarget Read(ReadOnlySpan<byte> json, IReadOnlyList<string> ruleNames)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json.ToArray()).RootElement;
        }
        catch (JsonException e)
        {
            throw new FormatException($"the Terraform output is not JSON ({e.Message}); give 'terraform output -json'.", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the Terraform output must be the object 'terraform output -json' prints.");
        }

        var missing = Required.Where(name => String(root, name) is null).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"the Terraform output lacks {string.Join(", ", missing)}: run 'terraform output -json' in infra/ after 'terraform apply'.");
        }

        var stream = String(root, "kinesis_stream_name")!;
        // infra/main.tf names the stream transaction-stream-{environment}; older outputs had no 'environment'.
        var environment = String(root, "environment") ?? stream["transaction-stream-".Length..];
        return new VerifyTarget(
            environment,
            String(root, "aws_region")!,
            stream,
            String(root, "lambda_function_name")!,
            String(root, "log_group_name")!,
            String(root, "event_bus_name")!,
            String(root, "alerts_topic_arn")!,
            Value(root, "kinesis_shard_count") is { ValueKind: JsonValueKind.Number } shards ? shards.GetInt32() : null,
            Strings(root, "routing_rule_names") ?? ruleNames,
            Strings(root, "alarm_names"),
            Value(root, "event_source_mapping") is { ValueKind: JsonValueKind.Object } mapping
                ? new MappingSettings(
                    Int(mapping, "batch_size"), Int(mapping, "parallelization_factor"), Int(mapping, "maximum_batching_window_in_seconds"), Int(mapping, "tumbling_window_in_seconds"))
                : null);
    }

    private static int Int(JsonElement mapping, string name) =>
        mapping.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"the Terraform output's event_source_mapping has no whole number {name}.");

    private static JsonElement? Value(JsonElement root, string name) =>
        root.TryGetProperty(name, out var output) && output.ValueKind == JsonValueKind.Object && output.TryGetProperty("value", out var value) ? value : null;

    private static string? String(JsonElement root, string name) =>
        Value(root, name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;

    private static List<string>? Strings(JsonElement root, string name) =>
        Value(root, name) is { ValueKind: JsonValueKind.Array } list ? [.. list.EnumerateArray().Select(e => e.GetString() ?? "")] : null;
}
