using System.Diagnostics;

namespace Paywatch.Infra.Tests;

public sealed class ConfigSetTests
{
    [Fact]
    public async Task Terraform_and_the_local_twin_load_exactly_the_same_config_files()
    {
        var terraform = await TerraformConfigSetAsync();
        var config = Repository.Config;

        Assert.Equal(config.Rules, terraform["rules"]);
        Assert.Equal(config.Targets, terraform["targets"]);
        Assert.Equal(config.MetricAlarms, terraform["metric_alarms"]);
        Assert.Equal(config.CompositeAlarms, terraform["composite_alarms"]);
        Assert.Equal(config.Queries, terraform["queries"]);
        Assert.Equal(config.Dashboard, terraform["dashboard_body"]);
        Assert.Equal(6, terraform.Count);
    }

    [Fact]
    public void The_config_set_is_the_spec_s_four_rules_and_the_window_summary_with_a_target_each_twelve_alarms_four_queries_and_a_dashboard()
    {
        var config = Repository.Config;

        Assert.Equal(["rules/failed.json", "rules/fraud.json", "rules/high-value.json", "rules/velocity.json", "rules/window-summary.json"], config.Rules);
        Assert.Equal(config.Rules.Select(r => r.Replace("rules/", "targets/", StringComparison.Ordinal)), config.Targets);
        Assert.Equal(9, config.MetricAlarms.Count);
        Assert.Equal(["alarms/delivery-health.composite.json", "alarms/processing-health.composite.json", "alarms/system-capacity.composite.json"], config.CompositeAlarms);
        Assert.Equal(["queries/Error-Analysis.query", "queries/Latency-Trends.query", "queries/Success-Rate.query", "queries/Transaction-Types.query"], config.Queries);
        Assert.Equal(["dashboard/dashboard.json"], config.Dashboard);
    }

    // infra/tests/lib/config-set.mjs evaluates the fileset/file calls of infra/main.tf against config/ (test.sh
    // installs its packages before running these tests).
    private static async Task<Dictionary<string, List<string>>> TerraformConfigSetAsync() =>
        JsonSerializer.Deserialize<Dictionary<string, List<string>>>(await Repository.RunNodeAsync("config-set.mjs"))!;
}
