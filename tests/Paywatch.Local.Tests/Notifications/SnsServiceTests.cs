using System.Net;
using System.Text;
using System.Xml.Linq;
using Paywatch.Local.Api;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Tests.Notifications;

/// <summary>SNS's list and attribute operations over the twin's topic, with the AWS CLI (query protocol).</summary>
public sealed class SnsServiceTests : IDisposable
{
    private const string TopicArn = "arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local";
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_AWS_CLI_lists_the_topic_and_its_subscriptions_and_reads_its_attributes()
    {
        using var http = new HttpClient();
        var file = Path.Combine(_folder.Path, "notifications.jsonl");
        await using var topic = new LocalTopic(
            "paywatch-alerts-local", "us-east-1", "000000000000",
            [new JsonLinesFileSubscription(file), new HttpSubscription(http, new Uri("http://127.0.0.1:9/hook"))],
            TimeProvider.System);
        await using var server = await AwsApiServer.StartAsync(0, [], [new SnsService([topic])]);

        var topics = await AwsCli.JsonAsync(server.Url, "sns", "list-topics");
        var subscriptions = await AwsCli.JsonAsync(server.Url, "sns", "list-subscriptions");
        var byTopic = await AwsCli.JsonAsync(server.Url, "sns", "list-subscriptions-by-topic", "--topic-arn", TopicArn);
        var attributes = (await AwsCli.JsonAsync(server.Url, "sns", "get-topic-attributes", "--topic-arn", TopicArn)).GetProperty("Attributes");

        Assert.Equal([TopicArn], topics.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("TopicArn").GetString()));
        Assert.Equal(
            [("file", file), ("http", "http://127.0.0.1:9/hook")],
            subscriptions.GetProperty("Subscriptions").EnumerateArray().Select(s => (s.GetProperty("Protocol").GetString(), s.GetProperty("Endpoint").GetString())));
        Assert.All(subscriptions.GetProperty("Subscriptions").EnumerateArray(), s =>
        {
            Assert.Equal(TopicArn, s.GetProperty("TopicArn").GetString());
            Assert.Equal("000000000000", s.GetProperty("Owner").GetString());
            Assert.StartsWith(TopicArn + ":", s.GetProperty("SubscriptionArn").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(
            subscriptions.GetProperty("Subscriptions").EnumerateArray().Select(s => s.GetProperty("SubscriptionArn").GetString()),
            byTopic.GetProperty("Subscriptions").EnumerateArray().Select(s => s.GetProperty("SubscriptionArn").GetString()));
        Assert.Equal(TopicArn, attributes.GetProperty("TopicArn").GetString());
        Assert.Equal("2", attributes.GetProperty("SubscriptionsConfirmed").GetString());
        Assert.Equal("0", attributes.GetProperty("SubscriptionsPending").GetString());
    }

    [Fact]
    public async Task A_topic_that_does_not_exist_is_NotFound()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], TimeProvider.System);
        await using var server = await AwsApiServer.StartAsync(0, [], [new SnsService([topic])]);

        var (attributesExit, _, attributesError) = await AwsCli.RunAsync(server.Url, "sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:nope");
        var (listExit, _, listError) = await AwsCli.RunAsync(server.Url, "sns", "list-subscriptions-by-topic", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:nope");

        Assert.NotEqual(0, attributesExit);
        Assert.Contains("NotFound", attributesError, StringComparison.Ordinal);
        Assert.NotEqual(0, listExit);
        Assert.Contains("NotFound", listError, StringComparison.Ordinal);
    }

    /// <summary>
    /// SNS's model requires GetTopicAttributes' TopicArn; a request without it (the CLI checks before sending, a raw query
    /// request does not) is SNS's ValidationError, "The input fails to satisfy the constraints specified by an AWS
    /// service" (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html), in the query protocol's XML error with
    /// the request id of the x-amzn-RequestId header.
    /// </summary>
    [Fact]
    public async Task A_query_request_missing_a_required_member_is_a_ValidationError_from_SNS_s_model()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], TimeProvider.System);
        await using var server = await AwsApiServer.StartAsync(0, [], [new SnsService([topic])]);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = new StringContent("Action=GetTopicAttributes&Version=2010-03-31", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0");

        using var response = await http.SendAsync(request);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        XNamespace ns = "http://sns.amazonaws.com/doc/2010-03-31/";
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationError", error.Element(ns + "Error")!.Element(ns + "Code")!.Value);
        Assert.Equal(
            "1 validation error detected: Value null at 'topicArn' failed to satisfy constraint: Member must not be null",
            error.Element(ns + "Error")!.Element(ns + "Message")!.Value);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), error.Element(ns + "RequestId")!.Value);
    }

    /// <summary>SNS lists 100 topics a page (https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html): 101 topics take two.</summary>
    [Fact]
    public async Task ListTopics_answers_100_topics_a_page_with_a_NextToken_for_the_rest()
    {
        var topics = Enumerable.Range(0, 101).Select(i => new LocalTopic($"topic-{i:D3}", "us-east-1", "000000000000", [], TimeProvider.System)).ToList();
        try
        {
            await using var server = await AwsApiServer.StartAsync(0, [], [new SnsService(topics)]);

            var all = await AwsCli.JsonAsync(server.Url, "sns", "list-topics");
            var firstPage = await AwsCli.JsonAsync(server.Url, "sns", "list-topics", "--max-items", "100");
            var rest = await AwsCli.JsonAsync(server.Url, "sns", "list-topics", "--starting-token", firstPage.GetProperty("NextToken").GetString()!);

            Assert.Equal(101, all.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("TopicArn").GetString()).Distinct().Count());
            Assert.Equal(100, firstPage.GetProperty("Topics").GetArrayLength());
            Assert.Equal(["arn:aws:sns:us-east-1:000000000000:topic-100"], rest.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("TopicArn").GetString()));
        }
        finally
        {
            foreach (var topic in topics)
            {
                await topic.DisposeAsync();
            }
        }
    }
}
