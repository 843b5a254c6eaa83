using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Alarms;
using Paywatch.Local.Api;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.Bus;
using Paywatch.Local.Tests.Queues;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Alarms;

public sealed class CloudWatchServiceTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly LocalTopic _topic;
    private readonly AlarmScheduler _scheduler;

    public CloudWatchServiceTests()
    {
        _topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        _scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), new MetricStore(TimeSpan.FromHours(1)), _topic, _time);
        _scheduler.EvaluateNow();
    }

    public async ValueTask DisposeAsync()
    {
        _scheduler.Dispose();
        await _topic.DisposeAsync();
    }

    /// <summary>https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html: AlarmTypes omitted = metric alarms only.</summary>
    [Fact]
    public async Task DescribeAlarms_over_JSON_returns_metric_alarms_only_unless_composites_are_asked_for()
    {
        var service = new CloudWatchService(_scheduler);

        var metricOnly = JsonDocument.Parse(await service.HandleAsync("DescribeAlarms", "{}"u8.ToArray(), CancellationToken.None)).RootElement;
        var both = JsonDocument.Parse(await service.HandleAsync("DescribeAlarms", """{"AlarmTypes":["CompositeAlarm","MetricAlarm"],"StateValue":"OK"}"""u8.ToArray(), CancellationToken.None)).RootElement;

        Assert.False(metricOnly.TryGetProperty("CompositeAlarms", out _));
        Assert.Equal(4, metricOnly.GetProperty("MetricAlarms").GetArrayLength());
        var errorRate = metricOnly.GetProperty("MetricAlarms").EnumerateArray().Single(a => a.GetProperty("AlarmName").GetString() == "paywatch-error-rate-local");
        Assert.Equal("OK", errorRate.GetProperty("StateValue").GetString());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), errorRate.GetProperty("StateUpdatedTimestamp").GetDouble());
        Assert.Equal(3, errorRate.GetProperty("Metrics").GetArrayLength());
        Assert.All(both.GetProperty("MetricAlarms").EnumerateArray(), a => Assert.Equal("OK", a.GetProperty("StateValue").GetString()));
        Assert.Contains(both.GetProperty("CompositeAlarms").EnumerateArray(), c => c.GetProperty("AlarmRule").GetString()!.Contains("paywatch-error-rate-local", StringComparison.Ordinal));
    }

    /// <summary>The AWS CLI here calls CloudWatch with Smithy RPC v2 CBOR (botocore's first choice for it).</summary>
    [Fact]
    public async Task The_AWS_CLI_describes_the_composite_alarms_with_their_states()
    {
        var cloudWatch = new CloudWatchService(_scheduler);
        await using var server = await AwsApiServer.StartAsync(0, [cloudWatch], [cloudWatch], app => RpcV2CborEndpoint.Map(app, [cloudWatch]));

        var output = await AwsCli.JsonAsync(server.Url, "cloudwatch", "describe-alarms", "--alarm-types", "CompositeAlarm", "MetricAlarm", "--alarm-name-prefix", "paywatch-");

        Assert.Equal(
            ["paywatch-processing-health-local", "paywatch-system-capacity-local"],
            output.GetProperty("CompositeAlarms").EnumerateArray().Select(a => a.GetProperty("AlarmName").GetString()));
        Assert.Equal(4, output.GetProperty("MetricAlarms").GetArrayLength());
        var errorRate = output.GetProperty("MetricAlarms").EnumerateArray().Single(a => a.GetProperty("AlarmName").GetString() == "paywatch-error-rate-local");
        Assert.Equal("OK", errorRate.GetProperty("StateValue").GetString());
        Assert.Equal("GreaterThanThreshold", errorRate.GetProperty("ComparisonOperator").GetString());
        // CLI v1 prints timestamps as the wire gives them (cli_timestamp_format "none"): epoch seconds.
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), errorRate.GetProperty("StateUpdatedTimestamp").GetDouble());
    }

    /// <summary>The query protocol, as older SDKs send it: form parameters, XML with list members.</summary>
    [Fact]
    public async Task DescribeAlarms_over_the_query_protocol_answers_in_CloudWatch_XML()
    {
        await using var server = await AwsApiServer.StartAsync(0, [], [new CloudWatchService(_scheduler)]);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = new StringContent(
                "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=paywatch-processing-health-local&AlarmTypes.member.1=CompositeAlarm",
                Encoding.UTF8,
                "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0");

        using var response = await http.SendAsync(request);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());

        XNamespace ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
        var member = Assert.Single(xml.Descendants(ns + "CompositeAlarms").Elements(ns + "member"));
        Assert.Equal("paywatch-processing-health-local", member.Element(ns + "AlarmName")!.Value);
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local", member.Element(ns + "AlarmActions")!.Element(ns + "member")!.Value);
        Assert.Equal("2026-11-26T12:00:00.000Z", member.Element(ns + "StateUpdatedTimestamp")!.Value);
        Assert.Empty(xml.Descendants(ns + "MetricAlarms").Elements());
    }
}
