using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;

namespace Paywatch.Function;

/// <summary>
/// The function's configuration: on Lambda from the environment Terraform gives it (infra/lambda.tf), in the twin from
/// its settings. Nothing secret is in it: credentials come from the execution role through Lambda's own variables.
/// </summary>
public sealed record FunctionSettings(ProcessorOptions Processor, PublishMode PublishMode, string FunctionName, TraceMode TraceMode = TraceMode.Invocation)
{
    public const string EnvironmentVariable = "PAYWATCH_ENVIRONMENT";
    public const string EventBusVariable = "PAYWATCH_EVENT_BUS_NAME";
    public const string MetricNamespaceVariable = "PAYWATCH_METRIC_NAMESPACE";
    public const string PublishModeVariable = "PAYWATCH_PUBLISH_MODE";
    public const string AlertsPerWindowVariable = "PAYWATCH_ALERTS_PER_WINDOW";

    /// <summary>Shards × parallelization factor, computed by Terraform (infra/lambda.tf): the lanes that share the alert budget.</summary>
    public const string LaneCountVariable = "PAYWATCH_LANE_COUNT";

    /// <summary>Lanes per shard (<c>event_source_parallelization_factor</c>): a shard's lanes share its place in the alert pacing.</summary>
    public const string ParallelizationFactorVariable = "PAYWATCH_PARALLELIZATION_FACTOR";

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="ArgumentException">A variable is missing or invalid; the message names it.</exception>
    public static FunctionSettings FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var defaults = new ProcessorOptions();
        var processor = new ProcessorOptions
        {
            Environment = Required(variable, EnvironmentVariable),
            EventBusName = Required(variable, EventBusVariable),
            MetricNamespace = variable(MetricNamespaceVariable) is { Length: > 0 } metricNamespace ? metricNamespace : defaults.MetricNamespace,
            AlertsPerWindow = WholeNumber(variable, AlertsPerWindowVariable, defaults.AlertsPerWindow),
            LaneCount = WholeNumber(variable, LaneCountVariable, defaults.LaneCount),
            ParallelizationFactor = WholeNumber(variable, ParallelizationFactorVariable, defaults.ParallelizationFactor),
        };
        processor.Validate();

        var mode = variable(PublishModeVariable) switch
        {
            null or "" or "matched" => PublishMode.Matched,
            "all" => PublishMode.All,
            var other => throw new ArgumentException($"{PublishModeVariable} must be 'matched' or 'all', not '{other}'."),
        };
        return new FunctionSettings(processor, mode, variable("AWS_LAMBDA_FUNCTION_NAME") ?? "paywatch", TraceModes.Parse(variable(TraceModes.Variable)));
    }

    private static int WholeNumber(Func<string, string?> variable, string name, int fallback) => variable(name) switch
    {
        null or "" => fallback,
        var text when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
        var other => throw new ArgumentException($"{name} must be a whole number, not '{other}'."),
    };

    private static string Required(Func<string, string?> variable, string name) =>
        variable(name) is { Length: > 0 } value
            ? value
            : throw new ArgumentException($"The environment variable {name} is not set.");
}
