using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Alarms;
using Paywatch.Local.Api;
using Paywatch.Local.Dashboards;
using Paywatch.Local.Notifications;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Alarms;

/// <summary>
/// CloudWatch's metric, dashboard and alarm-history operations through the AWS CLI, which calls CloudWatch with
/// Smithy RPC v2 CBOR (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/).
/// </summary>
public sealed class CloudWatchMetricsApiTests : IAsyncDisposable
{
    private const string Namespace = "Test/Checkout";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricStore _store = new(TimeSpan.FromHours(3));
    private readonly LocalTopic _topic;
    private readonly AlarmScheduler _scheduler;
    private readonly Task<AwsApiServer> _server;

    public CloudWatchMetricsApiTests()
    {
        _topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);
        _scheduler = new AlarmScheduler(AlarmScheduler.Load(RepositoryRoot.Config, new LocalTwinSettings().TemplateValues), _store, _topic, _time);
        _scheduler.EvaluateNow();
        var cloudWatch = new CloudWatchService(
            _scheduler, _store, () => LocalDashboard.Load(RepositoryRoot.Config, new LocalTwinSettings()) is { } d ? [d] : [], _time);
        _server = AwsApiServer.StartAsync(0, [cloudWatch], [cloudWatch], app => RpcV2CborEndpoint.Map(app, [cloudWatch]));
    }

    public async ValueTask DisposeAsync()
    {
        await (await _server).DisposeAsync();
        _scheduler.Dispose();
        await _topic.DisposeAsync();
    }

    private async Task<Uri> UrlAsync() => (await _server).Url;

    /// <summary>Requests 4 at 11:58, 2 + 4 at 11:59; Errors 1 at 11:58: the error rate is 25 % then 0 %.</summary>
    private async Task PutSamplesAsync() =>
        await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "put-metric-data", "--namespace", Namespace, "--metric-data", """
            [{"MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}],"Timestamp":"2026-11-26T11:58:10Z","Value":4},
             {"MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}],"Timestamp":"2026-11-26T11:59:10Z","Values":[2,4],"Counts":[1,1]},
             {"MetricName":"Errors","Dimensions":[{"Name":"Service","Value":"api"}],"Timestamp":"2026-11-26T11:58:20Z","Value":1}]
            """);

    private const string Queries = """
        [{"Id":"requests","MetricStat":{"Metric":{"Namespace":"Test/Checkout","MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}]},"Period":60,"Stat":"Sum"}},
         {"Id":"errors","MetricStat":{"Metric":{"Namespace":"Test/Checkout","MetricName":"Errors","Dimensions":[{"Name":"Service","Value":"api"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},
         {"Id":"error_rate","Expression":"100 * FILL(errors, 0) / requests","Label":"Error rate"}]
        """;

    [Fact]
    public async Task The_AWS_CLI_puts_metric_data_and_reads_it_back_with_metric_math_newest_first()
    {
        await PutSamplesAsync();

        var output = await AwsCli.JsonAsync(
            await UrlAsync(), "cloudwatch", "get-metric-data", "--metric-data-queries", Queries,
            "--start-time", "2026-11-26T11:50:00Z", "--end-time", "2026-11-26T12:00:00Z");

        var results = output.GetProperty("MetricDataResults").EnumerateArray().ToDictionary(r => r.GetProperty("Id").GetString()!);
        Assert.Equal(["requests", "error_rate"], results.Keys);
        Assert.Equal([6.0, 4.0], Values(results["requests"]));
        Assert.Equal([Epoch("2026-11-26T11:59:00Z"), Epoch("2026-11-26T11:58:00Z")], Timestamps(results["requests"]));
        Assert.Equal("Requests", results["requests"].GetProperty("Label").GetString());
        Assert.Equal([0.0, 25.0], Values(results["error_rate"]));
        Assert.Equal("Error rate", results["error_rate"].GetProperty("Label").GetString());
        Assert.All(results.Values, r => Assert.Equal("Complete", r.GetProperty("StatusCode").GetString()));
    }

    /// <summary>MaxDatapoints pages the answer; the CLI's --page-size sends it and follows NextToken, joining the pages.</summary>
    [Fact]
    public async Task GetMetricData_pages_by_MaxDatapoints_oldest_first_with_ScanBy_ascending()
    {
        await PutSamplesAsync();
        const string RequestsOnly = """[{"Id":"requests","MetricStat":{"Metric":{"Namespace":"Test/Checkout","MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}]},"Period":60,"Stat":"Sum"}}]""";

        var paged = await AwsCli.JsonAsync(
            await UrlAsync(), "cloudwatch", "get-metric-data", "--metric-data-queries", RequestsOnly, "--scan-by", "TimestampAscending",
            "--start-time", "2026-11-26T11:50:00Z", "--end-time", "2026-11-26T12:00:00Z", "--page-size", "1");
        var firstPage = await AwsCli.JsonAsync(
            await UrlAsync(), "cloudwatch", "get-metric-data", "--metric-data-queries", RequestsOnly, "--scan-by", "TimestampAscending",
            "--start-time", "2026-11-26T11:50:00Z", "--end-time", "2026-11-26T12:00:00Z", "--page-size", "1", "--max-items", "1");

        var pages = paged.GetProperty("MetricDataResults").EnumerateArray().ToList();
        Assert.Equal(2, pages.Count);
        Assert.Equal([4.0, 6.0], pages.SelectMany(Values));
        Assert.Equal("PartialData", pages[0].GetProperty("StatusCode").GetString());
        Assert.Equal("Complete", pages[1].GetProperty("StatusCode").GetString());
        Assert.True(firstPage.TryGetProperty("NextToken", out _));
    }

    [Theory]
    [InlineData("""[{"Id":"m","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":45,"Stat":"Sum"}}]""")]
    [InlineData("""[{"Id":"m","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":60,"Stat":"Sum","Unit":"Count"}}]""")]
    [InlineData("""[{"Id":"M1","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":60,"Stat":"Sum"}}]""")]
    [InlineData("""[{"Id":"e","Expression":"1 +"}]""")]
    [InlineData("""[{"Id":"e","Expression":"2 * nothing"}]""")]
    public async Task GetMetricData_refuses_queries_CloudWatch_would_refuse_or_the_twin_cannot_answer(string queries)
    {
        var (exitCode, _, error) = await AwsCli.RunAsync(
            await UrlAsync(), "cloudwatch", "get-metric-data", "--metric-data-queries", queries, "--start-time", "2026-11-26T11:00:00Z", "--end-time", "2026-11-26T12:00:00Z");

        Assert.NotEqual(0, exitCode);
        Assert.Matches("InvalidParameterValue|ValidationError", error);
    }

    [Fact]
    public async Task ListMetrics_lists_what_was_put_filtered_by_name_and_dimension()
    {
        await PutSamplesAsync();

        var all = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace);
        var errors = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace, "--metric-name", "Errors");
        var byDimension = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace, "--dimensions", "Name=Service,Value=web");
        var recent = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace, "--recently-active", "PT3H");

        Assert.Equal(["Errors", "Requests"], all.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("MetricName").GetString()));
        var error = Assert.Single(errors.GetProperty("Metrics").EnumerateArray());
        Assert.Equal("api", error.GetProperty("Dimensions")[0].GetProperty("Value").GetString());
        Assert.Empty(byDimension.GetProperty("Metrics").EnumerateArray());
        Assert.Equal(2, recent.GetProperty("Metrics").GetArrayLength());
    }

    /// <summary>ListMetrics answers 500 metrics a page (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html).</summary>
    [Fact]
    public async Task ListMetrics_pages_500_metrics_at_a_time()
    {
        for (var i = 0; i < 501; i++)
        {
            _store.Put(new MetricKey(Namespace, "Requests", [new("Shard", $"shard-{i:D3}")]), _time.GetUtcNow(), 1);
        }

        var all = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace);
        var firstPage = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace, "--max-items", "500");
        var rest = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-metrics", "--namespace", Namespace, "--starting-token", firstPage.GetProperty("NextToken").GetString()!);

        Assert.Equal(501, all.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Dimensions")[0].GetProperty("Value").GetString()).Distinct().Count());
        Assert.Equal(500, firstPage.GetProperty("Metrics").GetArrayLength());
        Assert.Equal("shard-500", Assert.Single(rest.GetProperty("Metrics").EnumerateArray()).GetProperty("Dimensions")[0].GetProperty("Value").GetString());
    }

    [Theory]
    [InlineData("AWS/Lambda", """[{"MetricName":"M","Value":1}]""", "InvalidParameterValue")]
    [InlineData(Namespace, """[{"MetricName":"M","StatisticValues":{"SampleCount":2,"Sum":3,"Minimum":1,"Maximum":2}}]""", "InvalidParameterValue")]
    [InlineData(Namespace, """[{"MetricName":"M","Value":1,"Unit":"Count"}]""", "InvalidParameterValue")]
    [InlineData(Namespace, """[{"MetricName":"M","Value":1,"Values":[1]}]""", "InvalidParameterCombination")]
    [InlineData(Namespace, """[{"MetricName":"M","Value":1,"Timestamp":"2026-11-26T06:00:00Z"}]""", "InvalidParameterValue")]
    [InlineData(Namespace, """[{"MetricName":"M","Value":1,"StorageResolution":5}]""", "InvalidParameterValue")]
    public async Task PutMetricData_refuses_what_the_store_cannot_keep(string metricNamespace, string data, string errorCode)
    {
        var (exitCode, _, error) = await AwsCli.RunAsync(await UrlAsync(), "cloudwatch", "put-metric-data", "--namespace", metricNamespace, "--metric-data", data);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(errorCode, error, StringComparison.Ordinal);
        Assert.Empty(_store.ListMetrics(metricNamespace));
    }

    /// <summary>
    /// botocore compresses a PutMetricData body of 10 KiB or more with gzip (the operation's requestCompression trait;
    /// https://docs.aws.amazon.com/sdkref/latest/guide/feature-compression.html); the twin decompresses it.
    /// </summary>
    [Fact]
    public async Task PutMetricData_large_enough_for_the_CLI_to_gzip_is_stored()
    {
        var data = "[" + string.Join(",", Enumerable.Range(0, 200).Select(i => string.Create(CultureInfo.InvariantCulture,
            $$"""{"MetricName":"Requests-{{i:D3}}","Dimensions":[{"Name":"Service","Value":"checkout-api"}],"Timestamp":"2026-11-26T11:58:10Z","Value":{{i}}}"""))) + "]";

        var (exitCode, _, log) = await AwsCli.RunAsync(await UrlAsync(), "--debug", "cloudwatch", "put-metric-data", "--namespace", Namespace, "--metric-data", data);

        Assert.True(exitCode == 0, log[^Math.Min(log.Length, 2000)..]);
        Assert.Contains("'Content-Encoding': b'gzip'", log, StringComparison.Ordinal);
        Assert.Equal(200, _store.ListMetrics(Namespace).Count);
    }

    /// <summary>The dashboard of config/dashboard, filled for the twin as Terraform's templatefile fills it.</summary>
    [Fact]
    public async Task GetDashboard_and_ListDashboards_serve_the_filled_dashboard_of_config()
    {
        var template = File.ReadAllText(Path.Combine(RepositoryRoot.Config, "dashboard", "dashboard.json"));
        var filled = ConfigTemplate.Fill(template, new LocalTwinSettings().TemplateValues);

        var dashboard = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "get-dashboard", "--dashboard-name", "paywatch-local");
        var list = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-dashboards");
        var none = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "list-dashboards", "--dashboard-name-prefix", "other");
        var (missingExit, _, missing) = await AwsCli.RunAsync(await UrlAsync(), "cloudwatch", "get-dashboard", "--dashboard-name", "other");

        var body = dashboard.GetProperty("DashboardBody").GetString()!;
        Assert.Equal(filled, body);
        Assert.DoesNotContain("${", body, StringComparison.Ordinal);
        Assert.Equal("Transaction volume", JsonDocument.Parse(body).RootElement.GetProperty("widgets")[0].GetProperty("properties").GetProperty("title").GetString());
        Assert.Equal("arn:aws:cloudwatch::000000000000:dashboard/paywatch-local", dashboard.GetProperty("DashboardArn").GetString());
        var entry = Assert.Single(list.GetProperty("DashboardEntries").EnumerateArray());
        Assert.Equal("paywatch-local", entry.GetProperty("DashboardName").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(filled), entry.GetProperty("Size").GetInt64());
        Assert.Empty(none.GetProperty("DashboardEntries").EnumerateArray());
        Assert.NotEqual(0, missingExit);
        Assert.Contains("ResourceNotFound", missing, StringComparison.Ordinal);
    }

    /// <summary>The first evaluation takes every alarm of config/alarms out of INSUFFICIENT_DATA: one state update each.</summary>
    [Fact]
    public async Task DescribeAlarmHistory_lists_the_state_updates_newest_first_in_pages()
    {
        var errorRate = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "describe-alarm-history", "--alarm-name", "paywatch-error-rate-local");
        var all = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "describe-alarm-history", "--page-size", "2");
        var firstTwo = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "describe-alarm-history", "--page-size", "2", "--max-items", "2");
        var configuration = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "describe-alarm-history", "--history-item-type", "ConfigurationUpdate");
        var composites = await AwsCli.JsonAsync(await UrlAsync(), "cloudwatch", "describe-alarm-history", "--alarm-types", "CompositeAlarm");

        var item = Assert.Single(errorRate.GetProperty("AlarmHistoryItems").EnumerateArray());
        Assert.Equal("StateUpdate", item.GetProperty("HistoryItemType").GetString());
        Assert.Equal("Alarm updated from INSUFFICIENT_DATA to OK", item.GetProperty("HistorySummary").GetString());
        var data = JsonDocument.Parse(item.GetProperty("HistoryData").GetString()!).RootElement;
        Assert.Equal("OK", data.GetProperty("newState").GetProperty("stateValue").GetString());
        Assert.Equal(12, all.GetProperty("AlarmHistoryItems").GetArrayLength());
        Assert.Equal(12, all.GetProperty("AlarmHistoryItems").EnumerateArray().Select(i => i.GetProperty("AlarmName").GetString()).Distinct().Count());
        Assert.Equal(2, firstTwo.GetProperty("AlarmHistoryItems").GetArrayLength());
        Assert.True(firstTwo.TryGetProperty("NextToken", out _));
        Assert.Empty(configuration.GetProperty("AlarmHistoryItems").EnumerateArray());
        Assert.Equal(
            ["paywatch-delivery-health-local", "paywatch-processing-health-local", "paywatch-system-capacity-local"],
            composites.GetProperty("AlarmHistoryItems").EnumerateArray().Select(i => i.GetProperty("AlarmName").GetString()).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The query protocol (form parameters, XML with list members and ISO 8601 timestamps), as older SDKs send it,
    /// reaches the same operations (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
    /// </summary>
    [Fact]
    public async Task The_query_protocol_puts_lists_and_reads_metrics_and_the_dashboard()
    {
        var put = await QueryAsync(
            "Action=PutMetricData&Version=2010-08-01&Namespace=Test%2FCheckout"
            + "&MetricData.member.1.MetricName=Requests&MetricData.member.1.Dimensions.member.1.Name=Service&MetricData.member.1.Dimensions.member.1.Value=api"
            + "&MetricData.member.1.Timestamp=2026-11-26T11:58:10Z&MetricData.member.1.Value=4"
            + "&MetricData.member.2.MetricName=Requests&MetricData.member.2.Dimensions.member.1.Name=Service&MetricData.member.2.Dimensions.member.1.Value=api"
            + "&MetricData.member.2.Timestamp=2026-11-26T11:59:10Z&MetricData.member.2.Values.member.1=2&MetricData.member.2.Values.member.2=4");
        var metrics = await QueryAsync("Action=ListMetrics&Version=2010-08-01&Namespace=Test%2FCheckout&Dimensions.member.1.Name=Service");
        var data = await QueryAsync(
            "Action=GetMetricData&Version=2010-08-01&StartTime=2026-11-26T11:50:00Z&EndTime=2026-11-26T12:00:00Z"
            + "&MetricDataQueries.member.1.Id=requests&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Test%2FCheckout"
            + "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Requests&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Service"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=api&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Sum");
        var statistics = await QueryAsync(
            "Action=GetMetricStatistics&Version=2010-08-01&Namespace=Test%2FCheckout&MetricName=Requests&Dimensions.member.1.Name=Service&Dimensions.member.1.Value=api"
            + "&StartTime=2026-11-26T11:59:00Z&EndTime=2026-11-26T12:00:00Z&Period=60&Statistics.member.1=Sum&ExtendedStatistics.member.1=p100");
        var dashboard = await QueryAsync("Action=GetDashboard&Version=2010-08-01&DashboardName=paywatch-local");
        var unknown = await QueryAsync("Action=DeleteDashboards&Version=2010-08-01&DashboardNames.member.1=paywatch-local");

        XNamespace ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
        Assert.NotNull(put.Root!.Element(ns + "PutMetricDataResult"));
        Assert.Equal(["Requests"], metrics.Descendants(ns + "Metrics").Elements(ns + "member").Select(m => m.Element(ns + "MetricName")!.Value));
        var result = Assert.Single(data.Descendants(ns + "MetricDataResults").Elements(ns + "member"));
        Assert.Equal(["6", "4"], result.Element(ns + "Values")!.Elements(ns + "member").Select(v => v.Value));
        Assert.Equal(["2026-11-26T11:59:00.000Z", "2026-11-26T11:58:00.000Z"], result.Element(ns + "Timestamps")!.Elements(ns + "member").Select(v => v.Value));
        var datapoint = Assert.Single(statistics.Descendants(ns + "Datapoints").Elements(ns + "member"));
        Assert.Equal("6", datapoint.Element(ns + "Sum")!.Value);
        Assert.Equal("2026-11-26T11:59:00.000Z", datapoint.Element(ns + "Timestamp")!.Value);
        var p100 = datapoint.Element(ns + "ExtendedStatistics")!.Element(ns + "entry")!;
        Assert.Equal(("p100", 4.0), (p100.Element(ns + "key")!.Value, double.Parse(p100.Element(ns + "value")!.Value, CultureInfo.InvariantCulture)));
        Assert.Equal("paywatch-local", dashboard.Descendants(ns + "DashboardName").Single().Value);
        Assert.Equal("InvalidAction", unknown.Descendants(ns + "Code").Single().Value);
    }

    private async Task<XDocument> QueryAsync(string form)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, await UrlAsync())
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static double Epoch(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    private static List<double> Values(JsonElement result) => [.. result.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble())];

    private static List<double> Timestamps(JsonElement result) => [.. result.GetProperty("Timestamps").EnumerateArray().Select(v => v.GetDouble())];
}
