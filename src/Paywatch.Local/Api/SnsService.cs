using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Api.Sns;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Api;

/// <summary>
/// SNS's behaviour over the query protocol (SigV4 service <c>sns</c>; <see cref="QueryCodec"/> reads and writes it by SNS's model)
/// for the twin's topics: ListTopics, ListSubscriptions, ListSubscriptionsByTopic (100 to a page, as SNS pages them)
/// and GetTopicAttributes (https://docs.aws.amazon.com/sns/latest/api/). A subscription is one of the topic's
/// delivery targets: <c>http</c>/<c>https</c> and <c>email</c> as on AWS, and the twin's own <c>console</c> and <c>file</c>.
/// </summary>
public sealed class SnsService(IEnumerable<LocalTopic> topics) : IAwsQueryService
{
    private const int PageSize = 100;

    private readonly List<LocalTopic> _topics = [.. topics.OrderBy(t => t.TopicArn, StringComparer.Ordinal)];

    public string SigningName => ServiceModels.ById("SNS").SigningName;

    public string XmlNamespace => ServiceModels.ById("SNS").XmlNamespace!;

    public ValueTask<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken) =>
        QueryCodec.HandleAsync(ServiceModels.ById("SNS"), action, parameters, (operation, request, _) => ValueTask.FromResult(Handle(operation, request)), cancellationToken);

    private byte[] Handle(string operation, byte[] requestBody)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var request = document.RootElement;
        var token = AwsJsonBody.String(request, "NextToken");
        return operation switch
        {
            "ListTopics" => ListTopics(token),
            "ListSubscriptions" => ListSubscriptions([.. _topics.SelectMany(Subscriptions)], operation, token),
            "ListSubscriptionsByTopic" => ListSubscriptions(Subscriptions(TopicOf(request)), operation, token),
            _ => GetTopicAttributes(TopicOf(request)),
        };
    }

    private byte[] ListTopics(string? token)
    {
        var (page, next) = PageToken.Page(_topics, PageSize, "ListTopics", token, InvalidToken);
        return JsonSerializer.SerializeToUtf8Bytes(new ListTopicsResponse([.. page.Select(t => new SnsTopic(t.TopicArn))], next), SnsJsonContext.Default.ListTopicsResponse);
    }

    private static byte[] ListSubscriptions(IReadOnlyList<SnsSubscription> subscriptions, string operation, string? token)
    {
        var (page, next) = PageToken.Page(subscriptions, PageSize, operation, token, InvalidToken);
        return JsonSerializer.SerializeToUtf8Bytes(new ListSubscriptionsResponse([.. page], next), SnsJsonContext.Default.ListSubscriptionsResponse);
    }

    // https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html: the attributes the twin's topic has.
    // Every subscription delivers from the start: none is pending confirmation, none has been deleted.
    private static byte[] GetTopicAttributes(LocalTopic topic) => JsonSerializer.SerializeToUtf8Bytes(
        new GetTopicAttributesResponse(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TopicArn"] = topic.TopicArn,
            ["Owner"] = Owner(topic),
            ["DisplayName"] = "",
            ["SubscriptionsConfirmed"] = topic.Subscriptions.Count.ToString(CultureInfo.InvariantCulture),
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
        }),
        SnsJsonContext.Default.GetTopicAttributesResponse);

    private LocalTopic TopicOf(JsonElement request)
    {
        var arn = AwsJsonBody.String(request, "TopicArn")
            ?? throw new AwsServiceException("InvalidParameter", "Invalid parameter: TopicArn Reason: no value for required parameter");
        return _topics.FirstOrDefault(t => t.TopicArn == arn) ?? throw new AwsServiceException("NotFound", "Topic does not exist", 404);
    }

    private static List<SnsSubscription> Subscriptions(LocalTopic topic) =>
        [.. topic.Subscriptions.Select((s, i) => new SnsSubscription($"{topic.TopicArn}:{StableId($"{topic.TopicArn}/{i}/{s.Protocol}")}", Owner(topic), s.Protocol, s.Endpoint, topic.TopicArn))];

    // arn:aws:sns:{region}:{account}:{name}
    private static string Owner(LocalTopic topic) => topic.TopicArn.Split(':')[4];

    // The same subscription ARN for the same subscription across restarts, shaped as SNS's (a UUID).
    private static string StableId(string text)
    {
#pragma warning disable CA5351 // An id derived from a name, not a security measure.
        return new Guid(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToString();
#pragma warning restore CA5351
    }

    private static AwsServiceException InvalidToken() => new("InvalidParameter", "Invalid parameter: NextToken");
}
