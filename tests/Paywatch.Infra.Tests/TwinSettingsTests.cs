using System.Text.Json;
using Paywatch.Local;
using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Infra.Tests;

/// <summary>The local twin deploys what Terraform deploys: the same names for environment "local", the same sizes.</summary>
public sealed class TwinSettingsTests
{
    private static readonly Lazy<Task<JsonElement>> Terraform = new(async () =>
        JsonDocument.Parse(await Repository.RunNodeAsync("settings.mjs")).RootElement);

    [Theory]
    [InlineData("kinesis_shard_count", nameof(LocalTwinSettings.ShardCount))]
    [InlineData("kinesis_retention_hours", nameof(LocalTwinSettings.RetentionHours))]
    [InlineData("lambda_timeout_seconds", nameof(LocalTwinSettings.FunctionTimeoutSeconds))]
    [InlineData("lambda_memory_mb", nameof(LocalTwinSettings.FunctionMemoryMb))]
    [InlineData("log_retention_days", nameof(LocalTwinSettings.LogRetentionDays))]
    [InlineData("alerts_per_window", nameof(LocalTwinSettings.AlertsPerWindow))]
    public async Task A_size_is_the_default_of_its_Terraform_variable(string variable, string setting)
    {
        var terraform = await Terraform.Value;
        var twin = typeof(LocalTwinSettings).GetProperty(setting)!.GetValue(new LocalTwinSettings());

        Assert.Equal(terraform.GetProperty("variables").GetProperty(variable).GetInt32(), twin);
    }

    [Theory]
    [InlineData("event_source_batch_size", nameof(EventSourceMappingOptions.BatchSize))]
    [InlineData("event_source_batching_window_seconds", nameof(EventSourceMappingOptions.MaximumBatchingWindow))]
    [InlineData("event_source_parallelization_factor", nameof(EventSourceMappingOptions.ParallelizationFactor))]
    [InlineData("event_source_maximum_retry_attempts", nameof(EventSourceMappingOptions.MaximumRetryAttempts))]
    [InlineData("event_source_maximum_record_age_seconds", nameof(EventSourceMappingOptions.MaximumRecordAge))]
    [InlineData("tumbling_window_seconds", nameof(EventSourceMappingOptions.TumblingWindow))]
    public async Task An_event_source_mapping_setting_is_the_default_of_its_Terraform_variable(string variable, string setting)
    {
        var terraform = await Terraform.Value;
        var twin = typeof(EventSourceMappingOptions).GetProperty(setting)!.GetValue(new EventSourceMappingOptions());
        var value = twin is TimeSpan span ? (int)span.TotalSeconds : twin;

        Assert.Equal(terraform.GetProperty("variables").GetProperty(variable).GetInt32(), value);
    }

    [Theory]
    [InlineData("stream_name", nameof(LocalTwinSettings.StreamName))]
    [InlineData("function_name", nameof(LocalTwinSettings.FunctionName))]
    [InlineData("repository_name", nameof(LocalTwinSettings.RepositoryName))]
    [InlineData("log_group_name", nameof(LocalTwinSettings.LogGroupName))]
    [InlineData("bus_name", nameof(LocalTwinSettings.EventBusName))]
    [InlineData("topic_name", nameof(LocalTwinSettings.TopicName))]
    [InlineData("processor_dlq_name", nameof(LocalTwinSettings.DeadLetterQueueName))]
    [InlineData("routing_dlq_name", nameof(LocalTwinSettings.RoutingDeadLetterQueueName))]
    public async Task A_name_is_Terraform_s_for_environment_local(string local, string setting)
    {
        var terraform = await Terraform.Value;
        var settings = new LocalTwinSettings();
        var expression = terraform.GetProperty("locals").GetProperty(local).GetString()!
            .Replace("${local.environment}", settings.Environment, StringComparison.Ordinal)
            .Replace("${local.function_name}", settings.FunctionName, StringComparison.Ordinal);

        Assert.Equal(expression, typeof(LocalTwinSettings).GetProperty(setting)!.GetValue(settings));
    }

    [Fact]
    public async Task The_function_is_unreserved_as_Terraform_leaves_it_by_default()
    {
        var terraform = await Terraform.Value;

        Assert.Equal(JsonValueKind.Null, terraform.GetProperty("variables").GetProperty("lambda_reserved_concurrency").ValueKind);
        Assert.Null(new LocalTwinSettings().ReservedConcurrency);
    }

    [Fact]
    public async Task The_twin_fills_config_templates_with_the_same_placeholders_as_Terraform()
    {
        var terraform = await Terraform.Value;

        Assert.Equal(
            terraform.GetProperty("template_values").EnumerateArray().Select(v => v.GetString()),
            new LocalTwinSettings().TemplateValues.Keys.Order(StringComparer.Ordinal));
    }
}
