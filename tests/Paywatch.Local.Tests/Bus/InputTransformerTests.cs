using System.Text.Json;
using Paywatch.Local.Bus;

namespace Paywatch.Local.Tests.Bus;

public sealed class InputTransformerTests
{
    private static readonly Dictionary<string, string> Paths = new() { ["instance"] = "$.detail.instance", ["status"] = "$.detail.status" };

    private static readonly JsonElement Event = JsonDocument.Parse("""
        {"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2",
         "account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
         "detail":{"instance":"i-0123456789","status":"RUNNING","count":3}}
        """).RootElement;

    /// <summary>The examples of https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html.</summary>
    [Theory]
    [InlineData("\"<instance> is in state <status>\"", "\"i-0123456789 is in state RUNNING\"")]
    [InlineData("\"<instance> is in state \\\"<status>\\\"\"", "\"i-0123456789 is in state \\\"RUNNING\\\"\"")]
    [InlineData("{\"myInstance\": <instance>,\"myStatus\": \"<instance> is in state \\\"<status>\\\"\"}", "{\"myInstance\": \"i-0123456789\",\"myStatus\": \"i-0123456789 is in state \\\"RUNNING\\\"\"}")]
    public void The_API_reference_examples_transform_as_documented(string template, string expected)
    {
        var transformer = new InputTransformer(Paths, template);

        Assert.Equal(expected, transformer.Transform(Event, "rule", "arn", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Numbers_go_in_as_JSON_and_a_missing_path_is_empty_in_quotes_and_null_outside()
    {
        var transformer = new InputTransformer(
            new Dictionary<string, string> { ["count"] = "$.detail.count", ["gone"] = "$.detail.nothing", ["first"] = "$.resources[0]" },
            "{\"n\": <count>, \"text\": \"<gone>\", \"raw\": <gone>, \"r\": \"<first>\"}");

        Assert.Equal(
            "{\"n\": 3, \"text\": \"\", \"raw\": null, \"r\": \"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111\"}",
            transformer.Transform(Event, "rule", "arn", DateTimeOffset.UnixEpoch));
    }

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-predefined</summary>
    [Fact]
    public void Predefined_variables_give_the_rule_and_the_ingestion_time()
    {
        var transformer = new InputTransformer(new Dictionary<string, string>(), "\"<aws.events.rule-name> <aws.events.rule-arn> <aws.events.event.ingestion-time>\"");

        Assert.Equal(
            "\"r1 arn:aws:events:us-east-1:000000000000:rule/bus/r1 2026-11-26T12:00:00Z\"",
            transformer.Transform(Event, "r1", "arn:aws:events:us-east-1:000000000000:rule/bus/r1", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero)));
    }
}
