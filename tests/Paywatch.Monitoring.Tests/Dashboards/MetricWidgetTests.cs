using System.Text.Json;
using Paywatch.Monitoring.Dashboards;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Dashboards;

/// <summary>
/// A metric widget's properties read as CloudWatch reads them: "Dashboard Body Structure and Syntax"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
/// its sections "Properties of a Metric Widget Object" (metrics: 1 to 100 entries; <c>stat</c> defaults to Average and
/// <c>period</c> to 300 seconds; each entry's rendering properties override them) and "Metric Widget: Format for Each
/// Metric in the Array" (<c>[Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering properties}]</c>,
/// <c>"."</c> for the value at the same position of the entry above, <c>"..."</c> first for all of the entry above but
/// the values that follow, <c>[{"expression": ...}]</c> for math). The page's first example is used as it is.
/// </summary>
public sealed class MetricWidgetTests
{
    private static readonly MetricKey Cpu = new("AWS/EC2", "CPUUtilization", [new("InstanceId", "i-012345")]);

    [Fact]
    public void The_body_structure_pages_first_example_is_one_Average_line_over_300_seconds()
    {
        // The example's properties, verbatim.
        var widget = Parse("""
            { "metrics":[ [ "AWS/EC2", "CPUUtilization", "InstanceId", "i-012345" ] ], "period":300, "stat":"Average",
              "region":"us-east-1", "title":"EC2 Instance CPU", "liveData": false, "legend": { "position": "right" } }
            """);

        var query = Assert.Single(widget.Queries);
        Assert.Equal("m1", query.Id);
        Assert.Equal(Cpu, query.Metric);
        Assert.Equal(Statistic.Average, query.Stat);
        Assert.Null(query.Period);
        Assert.True(query.ReturnData);
        Assert.Equal(300, widget.PeriodSeconds);
        Assert.Equal(new MetricWidgetLine("m1", "CPUUtilization", null, "left", true), Assert.Single(widget.Lines));
    }

    [Fact]
    public void Without_stat_and_period_a_widget_draws_the_Average_over_300_seconds()
    {
        var widget = Parse("""{ "metrics": [ ["AWS/EC2", "CPUUtilization", "InstanceId", "i-012345"] ] }""");

        Assert.Equal(Statistic.Average, Assert.Single(widget.Queries).Stat);
        Assert.Equal(MetricWidget.DefaultPeriodSeconds, widget.PeriodSeconds);
        Assert.Equal(300, MetricWidget.DefaultPeriodSeconds);
    }

    [Fact]
    public void An_entrys_rendering_properties_override_the_widgets_stat_and_period_and_say_how_it_is_drawn()
    {
        var widget = Parse("""
            { "stat": "Sum", "period": 60, "metrics": [
                ["AWS/EC2", "CPUUtilization", "InstanceId", "i-012345", { "stat": "p99", "period": 3600, "label": "CPU p99", "color": "#d62728", "yAxis": "right" }],
                ["AWS/EC2", "NetworkIn", "InstanceId", "i-012345"] ] }
            """);

        Assert.Equal(Statistic.Parse("p99"), widget.Queries[0].Stat);
        Assert.Equal(3600, widget.Queries[0].Period);
        Assert.Equal("CPU p99", widget.Queries[0].Label);
        Assert.Equal(new MetricWidgetLine("m1", "CPU p99", "#d62728", "right", true), widget.Lines[0]);
        Assert.Equal(Statistic.Sum, widget.Queries[1].Stat);
        Assert.Null(widget.Queries[1].Period);
        Assert.Equal(new MetricWidgetLine("m2", "NetworkIn", null, "left", true), widget.Lines[1]);
        Assert.Equal(60, widget.PeriodSeconds);
    }

    [Fact]
    public void A_dot_repeats_the_value_at_the_same_position_of_the_entry_above()
    {
        var widget = Parse("""
            { "metrics": [
                ["AWS/EC2", "CPUUtilization", "InstanceId", "i-012345"],
                [".", "NetworkIn", ".", "."],
                [".", ".", ".", "i-987654"] ] }
            """);

        Assert.Equal(
            [Cpu, new MetricKey("AWS/EC2", "NetworkIn", [new("InstanceId", "i-012345")]), new MetricKey("AWS/EC2", "NetworkIn", [new("InstanceId", "i-987654")])],
            widget.Queries.Select(q => q.Metric));
        Assert.Equal(["m1", "m2", "m3"], widget.Queries.Select(q => q.Id));
    }

    [Fact]
    public void Three_dots_repeat_the_entry_above_but_for_the_values_that_follow_them()
    {
        var widget = Parse("""
            { "metrics": [
                ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", "asg1", "InstanceType", "m5.large"],
                ["...", "c5.xlarge", { "label": "c5" }],
                ["...", "InstanceType", "t3.micro"] ] }
            """);

        Assert.Equal(
            [
                new MetricKey("AWS/EC2", "CPUUtilization", [new("AutoScalingGroupName", "asg1"), new("InstanceType", "m5.large")]),
                new MetricKey("AWS/EC2", "CPUUtilization", [new("AutoScalingGroupName", "asg1"), new("InstanceType", "c5.xlarge")]),
                new MetricKey("AWS/EC2", "CPUUtilization", [new("AutoScalingGroupName", "asg1"), new("InstanceType", "t3.micro")]),
            ],
            widget.Queries.Select(q => q.Metric));
        Assert.Equal("c5", widget.Lines[1].Label);
    }

    [Fact]
    public void Expressions_and_metrics_get_the_consoles_ids_unless_given_and_invisible_lines_stay_queries()
    {
        var widget = Parse("""
            { "metrics": [
                [{ "expression": "m1 + m2", "label": "Total" }],
                [{ "expression": "100 * m2 / (m1 + m2)", "id": "share" }],
                ["AWS/Lambda", "Errors", "FunctionName", "f", { "visible": false }],
                ["AWS/Lambda", "Invocations", "FunctionName", "f", { "visible": false }] ] }
            """);

        Assert.Equal(["e1", "share", "m1", "m2"], widget.Queries.Select(q => q.Id));
        Assert.Equal("m1 + m2", widget.Queries[0].Expression!.Text);
        Assert.Null(widget.Queries[0].Metric);
        Assert.Equal([true, true, false, false], widget.Lines.Select(l => l.Visible));
        Assert.Equal([true, true, false, false], widget.Queries.Select(q => q.ReturnData));
        // An expression without a label is labelled with its text, a metric with its name.
        Assert.Equal(["Total", "100 * m2 / (m1 + m2)", "Errors", "Invocations"], widget.Lines.Select(l => l.Label));
    }

    [Fact]
    public void The_period_is_kept_while_the_range_fits_1440_points_and_coarsened_to_whole_minutes_after()
    {
        var widget = Parse("""{ "period": 60, "metrics": [["AWS/EC2", "CPUUtilization"]] }""");

        Assert.Equal(60, widget.PeriodFor(TimeSpan.FromHours(3)));
        Assert.Equal(60, widget.PeriodFor(TimeSpan.FromMinutes(1440)));
        // One second over 1440 minutes needs 61 s a point, rounded up to a whole minute.
        Assert.Equal(120, widget.PeriodFor(TimeSpan.FromMinutes(1440) + TimeSpan.FromSeconds(1)));
        // Seven days in 1440 points: 420 s, already whole minutes.
        Assert.Equal(420, widget.PeriodFor(TimeSpan.FromDays(7)));
    }

    [Theory]
    [InlineData("[]", "must be an object")]
    [InlineData("""{ "stat": "Sum" }""", "metrics array of 1 to 100 entries")]
    [InlineData("""{ "metrics": [] }""", "metrics array of 1 to 100 entries")]
    [InlineData("""{ "metrics": ["AWS/EC2"] }""", "Entry 1 of metrics is not an array")]
    [InlineData("""{ "metrics": [["AWS/EC2"]] }""", "Entry 1 of metrics must be [Namespace, MetricName")]
    [InlineData("""{ "metrics": [["AWS/EC2", "CPUUtilization", "InstanceId"]] }""", "Entry 1 of metrics must be [Namespace, MetricName")]
    [InlineData("""{ "metrics": [["AWS/EC2", 5]] }""", "Entry 1 of metrics has a value that is not a string: 5")]
    [InlineData("""{ "metrics": [[".", "CPUUtilization"]] }""", "Entry 1 of metrics has \".\" at position 1")]
    [InlineData("""{ "metrics": [["...", "i-1"]] }""", "Entry 1 of metrics starts with \"...\" but no metric entry is above it")]
    [InlineData("""{ "metrics": [["AWS/EC2", "CPUUtilization"], ["...", "a", "b", "c"]] }""", "Entry 2 of metrics repeats \"...\" with more values")]
    [InlineData("""{ "metrics": [["AWS/EC2", "A", { "id": "x" }], ["AWS/EC2", "B", { "id": "x" }]] }""", "Two entries of metrics have the id 'x'")]
    [InlineData("""{ "period": 45, "metrics": [["AWS/EC2", "A"]] }""", "Period 45 is not 1, 5, 10, 30 or a multiple of 60")]
    [InlineData("""{ "period": "60", "metrics": [["AWS/EC2", "A"]] }""", "'period' must be a whole number, not \"60\"")]
    [InlineData("""{ "metrics": [["AWS/EC2", "A", { "period": 0 }]] }""", "Period 0 is not")]
    [InlineData("""{ "stat": "Mean", "metrics": [["AWS/EC2", "A"]] }""", "'Mean' is not a statistic")]
    [InlineData("""{ "metrics": [[{ "expression": "m1 +" }]] }""", "Expression 'e1':")]
    public void A_widget_CloudWatch_would_refuse_is_refused_with_a_message_that_says_what_to_fix(string properties, string message)
    {
        var e = Assert.Throws<InvalidDashboardException>(() => Parse(properties));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_widget_may_have_100_entries_but_not_101()
    {
        static string Entries(int n) => "{ \"metrics\": [" + string.Join(",", Enumerable.Range(0, n).Select(i => $"[\"N\", \"M{i}\"]")) + "] }";

        Assert.Equal(100, Parse(Entries(100)).Queries.Count);
        Assert.Throws<InvalidDashboardException>(() => Parse(Entries(101)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(3600)]
    public void High_resolution_periods_and_multiples_of_60_are_taken(int period) =>
        Assert.Equal(period, Parse($$"""{ "period": {{period}}, "metrics": [["AWS/EC2", "A"]] }""").PeriodSeconds);

    private static MetricWidget Parse(string properties)
    {
        using var document = JsonDocument.Parse(properties);
        return MetricWidget.Parse(document.RootElement.Clone());
    }
}
