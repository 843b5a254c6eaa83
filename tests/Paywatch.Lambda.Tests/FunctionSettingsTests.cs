using Paywatch.Core.Routing;
using Paywatch.Function;

namespace Paywatch.Lambda.Tests;

public sealed class FunctionSettingsTests
{
    private static readonly Dictionary<string, string> Minimal = new()
    {
        [FunctionSettings.EnvironmentVariable] = "prod",
        [FunctionSettings.EventBusVariable] = "paywatch-transactions-prod",
    };

    [Fact]
    public void The_environment_and_bus_come_from_the_variables_and_the_rest_defaults()
    {
        var settings = FunctionSettings.FromEnvironment(Read(Minimal));

        Assert.Equal("prod", settings.Processor.Environment);
        Assert.Equal("paywatch-transactions-prod", settings.Processor.EventBusName);
        Assert.Equal("Paywatch/Transactions", settings.Processor.MetricNamespace);
        Assert.Equal(PublishMode.Matched, settings.PublishMode);
    }

    [Theory]
    [InlineData(FunctionSettings.EnvironmentVariable)]
    [InlineData(FunctionSettings.EventBusVariable)]
    public void A_missing_required_variable_is_named(string missing)
    {
        var variables = new Dictionary<string, string>(Minimal);
        variables.Remove(missing);

        var error = Assert.Throws<ArgumentException>(() => FunctionSettings.FromEnvironment(Read(variables)));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_publish_mode_is_refused()
    {
        var variables = new Dictionary<string, string>(Minimal) { [FunctionSettings.PublishModeVariable] = "some" };

        var error = Assert.Throws<ArgumentException>(() => FunctionSettings.FromEnvironment(Read(variables)));
        Assert.Contains("'matched' or 'all'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_CloudWatch_would_reject_as_a_dimension_value_is_refused_at_start()
    {
        var variables = new Dictionary<string, string>(Minimal) { [FunctionSettings.EnvironmentVariable] = "prød" };

        Assert.Throws<ArgumentException>(() => FunctionSettings.FromEnvironment(Read(variables)));
    }

    [Fact]
    public void The_lane_count_and_parallelization_factor_Terraform_computes_reach_the_processor_and_default_to_one_lane()
    {
        var variables = new Dictionary<string, string>(Minimal)
        {
            [FunctionSettings.LaneCountVariable] = "10",
            [FunctionSettings.ParallelizationFactorVariable] = "2",
        };

        var settings = FunctionSettings.FromEnvironment(Read(variables)).Processor;
        var defaults = FunctionSettings.FromEnvironment(Read(Minimal)).Processor;

        Assert.Equal((10, 2), (settings.LaneCount, settings.ParallelizationFactor));
        Assert.Equal((1, 1), (defaults.LaneCount, defaults.ParallelizationFactor));
    }

    [Theory]
    [InlineData("ten", "2", "PAYWATCH_LANE_COUNT must be a whole number, not 'ten'.")]
    [InlineData("0", "1", "LaneCount")]
    [InlineData("10", "3", "ParallelizationFactor")] // 10 lanes cannot be shards of 3
    [InlineData("20", "4", "AlertsPerWindow", "3")] // a shard's 4 lanes earn alike: a budget of 3 gives none of them a token
    public void A_lane_count_the_budget_cannot_split_is_refused_at_start(string lanes, string factor, string message, string budget = "10")
    {
        var variables = new Dictionary<string, string>(Minimal)
        {
            [FunctionSettings.LaneCountVariable] = lanes,
            [FunctionSettings.ParallelizationFactorVariable] = factor,
            [FunctionSettings.AlertsPerWindowVariable] = budget,
        };

        var error = Assert.Throws<ArgumentException>(() => FunctionSettings.FromEnvironment(Read(variables)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Read(Dictionary<string, string> variables) =>
        name => variables.TryGetValue(name, out var value) ? value : null;
}
