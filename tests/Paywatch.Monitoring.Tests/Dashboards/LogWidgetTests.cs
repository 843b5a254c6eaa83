using System.Text.Json;
using Paywatch.Monitoring.Dashboards;

namespace Paywatch.Monitoring.Tests.Dashboards;

/// <summary>
/// A log widget's query as CloudWatch reads it: "Properties of a Log Widget Object" in "Dashboard Body Structure and
/// Syntax" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
/// <c>query</c> is required and names its log groups with leading <c>SOURCE 'name' |</c> clauses, as in the page's
/// <c>"SOURCE 'lambda-function-1' | SOURCE 'lambda-function-2' | fields @timestamp, @message"</c>; <c>view</c> is
/// <c>table</c> by default (<c>timeSeries</c>, <c>bar</c>, <c>pie</c> otherwise).
/// </summary>
public sealed class LogWidgetTests
{
    [Fact]
    public void The_pages_query_names_both_log_groups_and_leaves_the_Logs_Insights_query()
    {
        var widget = Parse("""{ "query": "SOURCE 'lambda-function-1' | SOURCE 'lambda-function-2' | fields @timestamp, @message", "region": "us-east-1", "title": "Lambda logs" }""");

        Assert.Equal(["lambda-function-1", "lambda-function-2"], widget.LogGroupNames);
        Assert.Equal("fields @timestamp, @message", widget.Query);
        Assert.Equal("table", widget.View);
    }

    [Fact]
    public void The_query_keeps_its_later_pipes_and_lines_and_the_view_is_read()
    {
        var widget = Parse("""{ "query": "SOURCE '/aws/lambda/transaction-processor-local' | fields @timestamp, type\n| filter status = 'FAILED'\n| stats count(*) by type", "view": "bar" }""");

        Assert.Equal(["/aws/lambda/transaction-processor-local"], widget.LogGroupNames);
        Assert.Equal("fields @timestamp, type\n| filter status = 'FAILED'\n| stats count(*) by type", widget.Query);
        Assert.Equal("bar", widget.View);
    }

    [Theory]
    [InlineData("""{ "view": "table" }""", "A log widget needs a query string.")]
    [InlineData("""{ "query": 5 }""", "A log widget needs a query string.")]
    [InlineData("""[]""", "A log widget needs a query string.")]
    [InlineData("""{ "query": "fields @timestamp, @message" }""", "A log widget's query starts with SOURCE 'log-group' | ...; this one does not: fields @timestamp, @message")]
    [InlineData("""{ "query": "fields @message | SOURCE 'g' |" }""", "this one does not")]
    [InlineData("""{ "query": "SOURCE g | fields @message" }""", "this one does not")]
    public void A_widget_without_a_query_or_SOURCE_is_refused_with_a_message_that_says_what_to_fix(string properties, string message)
    {
        var e = Assert.Throws<InvalidDashboardException>(() => Parse(properties));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static LogWidget Parse(string properties)
    {
        using var document = JsonDocument.Parse(properties);
        return LogWidget.Parse(document.RootElement.Clone());
    }
}
