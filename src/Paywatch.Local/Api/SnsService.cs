using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Api;

/// <summary>
/// SNS's behaviour over the query protocol (SigV4 service <c>sns</c>; <see cref="QueryCodec"/> reads and writes it by SNS's model)
/// for the twin's topics: ListTopics, ListSubscriptions, ListSubscriptionsByTopic (100 to a page, as SNS pages them)
/// and GetTopicAttributes (https://docs.aws.amazon.com/sns/latest/api/). A subscription is one of the topic's
/// delivery targets: <c>http</c>/<c>https</c> and <c>email</c> as on AWS, and the twin's own <c>console</c> and <c>file</c>.
/// A request that breaks its input shape is a <c>ValidationError</c> ("The input fails to satisfy the constraints
/// specified by an AWS service", https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
/// </summary>
public sealed class SnsService(IEnumerable<LocalTopic> topics) : AwsService("SNS", "ValidationError")
{
    private const int PageSize = 100;

    private readonly List<LocalTopic> _topics = [.. topics.OrderBy(t => t.TopicArn, StringComparer.Ordinal)];

    private protected override ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken) => ValueTask.FromResult(operation switch
    {
        "ListTopics" => Page(_topics, "Topics", request, operation, t => new JsonObject { ["TopicArn"] = t.TopicArn }),
        "ListSubscriptions" => Page([.. _topics.SelectMany(Subscriptions)], "Subscriptions", request, operation, s => s),
        "ListSubscriptionsByTopic" => Page(Subscriptions(TopicOf(request)), "Subscriptions", request, operation, s => s),
        _ => GetTopicAttributes(TopicOf(request)),
    });

    private static JsonObject Page<T>(IReadOnlyList<T> items, string member, JsonElement request, string operation, Func<T, JsonObject> item)
    {
        var (page, next) = PageToken.Page(items, PageSize, operation, AwsJsonBody.String(request, "NextToken"), InvalidToken);
        return new() { [member] = new JsonArray([.. page.Select(item)]), ["NextToken"] = next };
    }

    // https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html: the attributes the twin's topic has.
    // Every subscription delivers from the start: none is pending confirmation, none has been deleted.
    private static JsonObject GetTopicAttributes(LocalTopic topic) => new()
    {
        ["Attributes"] = new JsonObject
        {
            ["TopicArn"] = topic.TopicArn,
            ["Owner"] = Owner(topic),
            ["DisplayName"] = "",
            ["SubscriptionsConfirmed"] = topic.Subscriptions.Count.ToString(CultureInfo.InvariantCulture),
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
        },
    };

    // The model requires TopicArn where it is read.
    private LocalTopic TopicOf(JsonElement request) =>
        _topics.FirstOrDefault(t => t.TopicArn == AwsJsonBody.String(request, "TopicArn")) ?? throw new AwsServiceException("NotFound", "Topic does not exist", 404);

    /// <summary>SNS's <c>Subscription</c> shape for each of the topic's delivery targets.</summary>
    private static List<JsonObject> Subscriptions(LocalTopic topic) =>
    [
        .. topic.Subscriptions.Select((s, i) => new JsonObject
        {
            ["SubscriptionArn"] = $"{topic.TopicArn}:{StableUuid.Of($"{topic.TopicArn}/{i}/{s.Protocol}")}",
            ["Owner"] = Owner(topic),
            ["Protocol"] = s.Protocol,
            ["Endpoint"] = s.Endpoint,
            ["TopicArn"] = topic.TopicArn,
        }),
    ];

    // arn:aws:sns:{region}:{account}:{name}
    private static string Owner(LocalTopic topic) => topic.TopicArn.Split(':')[4];

    private static AwsServiceException InvalidToken() => new("InvalidParameter", "Invalid parameter: NextToken");
}
