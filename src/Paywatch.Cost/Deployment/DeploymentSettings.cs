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

    /// <summary>
    /// Availability Zones the function's interface endpoints are in (infra/network.tf): <c>vpc_availability_zone_count</c> with
    /// <c>create_vpc</c>, one per subnet of <c>vpc_subnet_ids</c> (each in its own zone), 0 in Lambda's own network.
    /// </summary>
    public int VpcAvailabilityZones { get; init; }

    /// <summary>Interface endpoints in each of those zones: one per service the function calls (network.tf's <c>vpc_endpoint_services</c>).</summary>
    public int VpcEndpointServices { get; init; }

    /// <summary>infra/variables.tf, infra/lambda.tf and infra/network.tf as built into this library.</summary>
    public static DeploymentSettings BuiltIn(string? tfvars = null, ConfigCounts? config = null) =>
        FromTerraform(ReadResource("infra/variables.tf"), ReadResource("infra/lambda.tf"), tfvars, config, ReadResource("infra/network.tf"));

    /// <summary>
    /// The variables' defaults, overridden by the .tfvars file's assignments; the architecture from lambda.tf; the interface
    /// endpoints from network.tf (none without it).
    /// </summary>
    /// <exception cref="FormatException">A file is outside the HCL subset, or a value has the wrong type.</exception>
    public static DeploymentSettings FromTerraform(string variablesTf, string lambdaTf, string? tfvars, ConfigCounts? config, string? networkTf = null)
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
            VpcAvailabilityZones = AvailabilityZonesOfTheEndpoints(values),
            VpcEndpointServices = networkTf is null ? 0 : EndpointServices(networkTf).Count,
        };
    }

    /// <summary>network.tf's <c>vpc_endpoint_services</c>: the services the function reaches through interface endpoints.</summary>
    /// <exception cref="FormatException">network.tf has no such list of names.</exception>
    public static IReadOnlyList<string> EndpointServices(string networkTf)
    {
        var list = HclReader.Read(networkTf).Blocks
            .Where(b => b.Type == "locals")
            .Select(b => b.Body.Attributes.GetValueOrDefault("vpc_endpoint_services"))
            .OfType<List<object?>>()
            .FirstOrDefault();
        return list is not null && list.All(s => s is string)
            ? [.. list.Cast<string>()]
            : throw new FormatException("network.tf has no locals { vpc_endpoint_services = [\"...\"] }.");
    }

    private static int AvailabilityZonesOfTheEndpoints(Dictionary<string, object?> values)
    {
        if (values.GetValueOrDefault("create_vpc") is true)
        {
            return Number(values, "vpc_availability_zone_count");
        }

        return values.GetValueOrDefault("vpc_subnet_ids") switch
        {
            null => 0,
            List<object?> subnets => subnets.Count,
            var other => throw new FormatException($"Terraform variable vpc_subnet_ids must be a list of subnet ids, not {other}."),
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
