using System.Globalization;
using System.Text.Json;
using Paywatch.Core.Telemetry;

namespace Paywatch.Cost.Deployment;

/// <summary>
/// What the deployment bills by: infra/'s variables (their defaults, then a .tfvars file's values), the Lambda function's
/// architecture (infra/lambda.tf) and the counts of alarms, dashboards and queries in config/.
/// </summary>
public sealed record DeploymentSettings
{
    public string Region { get; init; } = "eu-west-1";

    public string Environment { get; init; } = "prod";

    public int Shards { get; init; } = 5;

    public int LambdaMemoryMb { get; init; } = 512;

    /// <summary><c>x86_64</c> or <c>arm64</c>.</summary>
    public string Architecture { get; init; } = "x86_64";

    public int BatchSize { get; init; } = 100;

    public int ParallelizationFactor { get; init; } = 2;

    public TimeSpan BatchingWindow { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TumblingWindow { get; init; } = TimeSpan.FromSeconds(300);

    public int LogRetentionDays { get; init; } = 30;

    public TraceMode TraceMode { get; init; } = TraceMode.Invocation;

    public int AlertsPerWindow { get; init; } = 10;

    /// <summary><c>lambda_reserved_concurrency</c>; null (Terraform's default) for an unreserved function.</summary>
    public int? ReservedConcurrency { get; init; }

    public int EmailSubscriptions { get; init; } = 1;

    public int HttpSubscriptions { get; init; }

    public ConfigCounts Config { get; init; } = new(0, 0, 0, 0);

    /// <summary>infra/variables.tf and infra/lambda.tf as built into this library.</summary>
    public static DeploymentSettings BuiltIn(string? tfvars = null, ConfigCounts? config = null) =>
        FromTerraform(ReadResource("infra/variables.tf"), ReadResource("infra/lambda.tf"), tfvars, config);

    /// <summary>The variables' defaults, overridden by the .tfvars file's assignments; the architecture from lambda.tf.</summary>
    /// <exception cref="FormatException">A file is outside the HCL subset, or a value has the wrong type.</exception>
    public static DeploymentSettings FromTerraform(string variablesTf, string lambdaTf, string? tfvars, ConfigCounts? config)
    {
        var values = TerraformValues(variablesTf, tfvars);
        var function = HclReader.Read(lambdaTf).Block("resource", "aws_lambda_function", "processor")
            ?? throw new FormatException("lambda.tf has no resource \"aws_lambda_function\" \"processor\".");
        var architecture = function.Body.Attributes.GetValueOrDefault("architectures") is List<object?> { Count: 1 } list && list[0] is string a
            ? a
            : "x86_64";
        var defaults = new DeploymentSettings();
        return new DeploymentSettings
        {
            Region = values.GetValueOrDefault("aws_region") as string ?? defaults.Region,
            Environment = values.GetValueOrDefault("environment_suffix") as string ?? defaults.Environment,
            Shards = Number(values, "kinesis_shard_count"),
            LambdaMemoryMb = Number(values, "lambda_memory_mb"),
            Architecture = architecture,
            BatchSize = Number(values, "event_source_batch_size"),
            ParallelizationFactor = Number(values, "event_source_parallelization_factor"),
            BatchingWindow = TimeSpan.FromSeconds(Number(values, "event_source_batching_window_seconds")),
            TumblingWindow = TimeSpan.FromSeconds(Number(values, "tumbling_window_seconds")),
            LogRetentionDays = Number(values, "log_retention_days"),
            TraceMode = TraceModes.Parse(values.GetValueOrDefault("trace_mode") as string),
            AlertsPerWindow = Number(values, "alerts_per_window"),
            ReservedConcurrency = values.GetValueOrDefault("lambda_reserved_concurrency") is null ? null : Number(values, "lambda_reserved_concurrency"),
            Config = config ?? defaults.Config,
        };
    }

    /// <summary>Every variable's default (null without one), then each .tfvars assignment over it.</summary>
    public static Dictionary<string, object?> TerraformValues(string variablesTf, string? tfvars)
    {
        var values = HclReader.Read(variablesTf).Blocks
            .Where(b => b.Type == "variable" && b.Labels.Count == 1)
            .ToDictionary(b => b.Labels[0], b => b.Body.Attributes.GetValueOrDefault("default"), StringComparer.Ordinal);
        if (tfvars is not null)
        {
            foreach (var (name, value) in HclReader.Read(tfvars).Attributes)
            {
                values[name] = value;
            }
        }

        return values;
    }

    private static int Number(Dictionary<string, object?> values, string name) => values.GetValueOrDefault(name) switch
    {
        double number when number == Math.Floor(number) => (int)number,
        var other => throw new FormatException($"Terraform variable {name} must be a whole number, not {other ?? "null"}."),
    };

    private static string ReadResource(string name)
    {
        using var stream = typeof(DeploymentSettings).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not built in.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// What config/ deploys that CloudWatch bills: metrics evaluated by standard alarms (an alarm on metric math is billed per
/// metric it reads), composite alarms, dashboards; and the saved queries and rules.
/// </summary>
public sealed record ConfigCounts(int StandardAlarmMetrics, int CompositeAlarms, int Dashboards, int SavedQueries)
{
    /// <summary>Counts a folder in config/'s layout: alarms/*.json (<c>*.composite.json</c> composite), dashboard/*.json, queries/*.query.</summary>
    public static ConfigCounts FromFolder(string folder)
    {
        var alarms = Files(folder, "alarms", "*.json");
        var composite = alarms.Count(f => f.EndsWith(".composite.json", StringComparison.Ordinal));
        var metrics = alarms.Where(f => !f.EndsWith(".composite.json", StringComparison.Ordinal)).Sum(AlarmMetrics);
        return new ConfigCounts(metrics, composite, Files(folder, "dashboard", "*.json").Length, Files(folder, "queries", "*.query").Length);
    }

    /// <summary>A PutMetricAlarm file's metrics: each <c>MetricStat</c> of <c>Metrics</c>, or its one <c>MetricName</c>.</summary>
    internal static int AlarmMetrics(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.TryGetProperty("Metrics", out var metrics)
            ? metrics.EnumerateArray().Count(m => m.TryGetProperty("MetricStat", out _))
            : 1;
    }

    private static string[] Files(string folder, string kind, string pattern)
    {
        var path = Path.Combine(folder, kind);
        return Directory.Exists(path) ? Directory.GetFiles(path, pattern) : [];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{StandardAlarmMetrics} alarm metrics, {CompositeAlarms} composite alarms, {Dashboards} dashboards, {SavedQueries} saved queries");
}
