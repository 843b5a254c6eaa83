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
        Assert.Equal(9, metricOnly.GetProperty("MetricAlarms").GetArrayLength());
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
            ["paywatch-delivery-health-local", "paywatch-processing-health-local", "paywatch-system-capacity-local"],
            output.GetProperty("CompositeAlarms").EnumerateArray().Select(a => a.GetProperty("AlarmName").GetString()));
        Assert.Equal(9, output.GetProperty("MetricAlarms").GetArrayLength());
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

    /// <summary>https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html: MaxRecords and NextToken.</summary>
    [Fact]
    public async Task DescribeAlarms_returns_MaxRecords_alarms_and_a_NextToken_for_the_rest()
    {
        var service = new CloudWatchService(_scheduler);
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var request = token is null ? """{"AlarmTypes":["MetricAlarm","CompositeAlarm"],"MaxRecords":4}""" : $$"""{"AlarmTypes":["MetricAlarm","CompositeAlarm"],"MaxRecords":4,"NextToken":"{{token}}"}""";
            var page = JsonDocument.Parse(await service.HandleAsync("DescribeAlarms", Encoding.UTF8.GetBytes(request), CancellationToken.None)).RootElement;
            var onPage = page.GetProperty("MetricAlarms").EnumerateArray().Concat(page.GetProperty("CompositeAlarms").EnumerateArray()).Select(a => a.GetProperty("AlarmName").GetString()!).ToList();
            Assert.InRange(onPage.Count, 1, 4);
            names.AddRange(onPage);
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null);

        // config/alarms: nine metric alarms and three composites, twelve in three pages of at most four.
        Assert.Equal(3, pages);
        Assert.Equal(12, names.Distinct().Count());
    }

    [Theory]
    [InlineData("""{"MaxRecords":0}""", "ValidationError")]
    [InlineData("""{"MaxRecords":101}""", "ValidationError")]
    [InlineData("""{"NextToken":"bm90IG91cnM="}""", "InvalidNextToken")]
    public async Task DescribeAlarms_refuses_MaxRecords_outside_1_to_100_and_foreign_tokens(string request, string errorType)
    {
        var service = new CloudWatchService(_scheduler);

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("DescribeAlarms", Encoding.UTF8.GetBytes(request), CancellationToken.None));

        Assert.Equal(errorType, error.ErrorType);
    }

    [Fact]
    public async Task The_AWS_CLI_pages_through_the_alarms_with_MaxRecords()
    {
        var cloudWatch = new CloudWatchService(_scheduler);
        await using var server = await AwsApiServer.StartAsync(0, [cloudWatch], [cloudWatch], app => RpcV2CborEndpoint.Map(app, [cloudWatch]));

        var firstTwo = await AwsCli.JsonAsync(server.Url, "cloudwatch", "describe-alarms", "--page-size", "2", "--max-items", "2");
        var all = await AwsCli.JsonAsync(server.Url, "cloudwatch", "describe-alarms", "--page-size", "1");

        Assert.Equal(2, firstTwo.GetProperty("MetricAlarms").GetArrayLength());
        Assert.True(firstTwo.TryGetProperty("NextToken", out _));
        Assert.Equal(9, all.GetProperty("MetricAlarms").GetArrayLength());
        Assert.Equal(9, all.GetProperty("MetricAlarms").EnumerateArray().Select(a => a.GetProperty("AlarmName").GetString()).Distinct().Count());
    }

    /// <summary>The query protocol's MaxRecords and NextToken, as older SDKs send them.</summary>
    [Fact]
    public async Task DescribeAlarms_over_the_query_protocol_pages_with_MaxRecords()
    {
        await using var server = await AwsApiServer.StartAsync(0, [], [new CloudWatchService(_scheduler)]);
        XNamespace ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

        var first = await QueryAsync(server.Url, "Action=DescribeAlarms&Version=2010-08-01&MaxRecords=6");
        var token = first.Descendants(ns + "NextToken").Single().Value;
        var second = await QueryAsync(server.Url, $"Action=DescribeAlarms&Version=2010-08-01&MaxRecords=6&NextToken={Uri.EscapeDataString(token)}");

        // Nine metric alarms: six, then three.
        Assert.Equal(6, first.Descendants(ns + "MetricAlarms").Elements(ns + "member").Count());
        Assert.Equal(3, second.Descendants(ns + "MetricAlarms").Elements(ns + "member").Count());
        Assert.Empty(second.Descendants(ns + "NextToken"));
    }

    /// <summary>
    /// Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60, and a request may span at most 1,440 periods
    /// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html).
    /// </summary>
    [Theory]
    [InlineData("7", "2026-11-26T10:00:00Z", "InvalidParameterValue")]
    [InlineData("90", "2026-11-26T10:00:00Z", "InvalidParameterValue")]
    [InlineData("60", "2026-11-24T12:00:00Z", "InvalidParameterCombination")]
    [InlineData("1", "2026-11-26T11:00:00Z", "InvalidParameterCombination")]
    public async Task The_AWS_CLI_is_refused_a_period_CloudWatch_cannot_store_or_more_than_1440_datapoints(string period, string start, string errorCode)
    {
        var cloudWatch = new CloudWatchService(_scheduler, new MetricStore(TimeSpan.FromHours(3)));
        await using var server = await AwsApiServer.StartAsync(0, [cloudWatch], [cloudWatch], app => RpcV2CborEndpoint.Map(app, [cloudWatch]));

        var (exitCode, _, error) = await AwsCli.RunAsync(
            server.Url, "cloudwatch", "get-metric-statistics", "--namespace", "Paywatch/Transactions", "--metric-name", "TransactionsProcessed",
            "--statistics", "Sum", "--period", period, "--start-time", start, "--end-time", "2026-11-26T12:00:00Z");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(errorCode, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetricStatistics_answers_1440_periods_and_a_period_of_ten_seconds()
    {
        var store = new MetricStore(TimeSpan.FromDays(2));
        var key = new MetricKey("Paywatch/Transactions", "TransactionsProcessed", [new("Environment", "local")]);
        store.Put(key, new DateTimeOffset(2026, 11, 26, 11, 59, 0, TimeSpan.Zero), 5);
        var service = new CloudWatchService(_scheduler, store);

        var day = JsonDocument.Parse(await service.HandleAsync("GetMetricStatistics", Encoding.UTF8.GetBytes(
            """{"Namespace":"Paywatch/Transactions","MetricName":"TransactionsProcessed","Dimensions":[{"Name":"Environment","Value":"local"}],"Statistics":["Sum"],"Period":60,"StartTime":1795608000,"EndTime":1795694400}"""), CancellationToken.None)).RootElement;
        var tenSeconds = JsonDocument.Parse(await service.HandleAsync("GetMetricStatistics", Encoding.UTF8.GetBytes(
            """{"Namespace":"Paywatch/Transactions","MetricName":"TransactionsProcessed","Dimensions":[{"Name":"Environment","Value":"local"}],"Statistics":["Sum"],"Period":10,"StartTime":1795694340,"EndTime":1795694400}"""), CancellationToken.None)).RootElement;

        Assert.Equal(5, day.GetProperty("Datapoints").EnumerateArray().Sum(d => d.GetProperty("Sum").GetDouble()));
        Assert.Equal(5, tenSeconds.GetProperty("Datapoints").EnumerateArray().Sum(d => d.GetProperty("Sum").GetDouble()));
    }

    [Fact]
    public async Task GetMetricStatistics_refuses_a_Unit_the_store_does_not_keep()
    {
        var service = new CloudWatchService(_scheduler, new MetricStore(TimeSpan.FromHours(3)));

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("GetMetricStatistics", Encoding.UTF8.GetBytes(
            """{"Namespace":"N","MetricName":"M","Statistics":["Sum"],"Period":60,"StartTime":1795690800,"EndTime":1795694400,"Unit":"Count"}"""), CancellationToken.None));

        Assert.Equal("InvalidParameterValue", error.ErrorType);
        Assert.Contains("Unit", error.Message, StringComparison.Ordinal);
    }

    private static async Task<XDocument> QueryAsync(Uri url, string form)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
