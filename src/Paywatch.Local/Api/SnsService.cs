using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Api;

/// <summary>
/// SNS over the query protocol (SigV4 service <c>sns</c>, XML namespace <c>http://sns.amazonaws.com/doc/2010-03-31/</c>)
/// for the twin's topics: ListTopics, ListSubscriptions, ListSubscriptionsByTopic (100 to a page, as SNS pages them)
/// and GetTopicAttributes (https://docs.aws.amazon.com/sns/latest/api/). A subscription is one of the topic's
/// delivery targets: <c>http</c>/<c>https</c> and <c>email</c> as on AWS, and the twin's own <c>console</c> and <c>file</c>.
/// </summary>
public sealed class SnsService(IEnumerable<LocalTopic> topics) : IAwsQueryService
{
    private const int PageSize = 100;

    private readonly List<LocalTopic> _topics = [.. topics.OrderBy(t => t.TopicArn, StringComparer.Ordinal)];

    public string SigningName => "sns";

    public string XmlNamespace => "http://sns.amazonaws.com/doc/2010-03-31/";

    public ValueTask<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var token = parameters.GetValueOrDefault("NextToken");
        Action<XmlWriter> write = action switch
        {
            "ListTopics" => ListTopics(token),
            "ListSubscriptions" => ListSubscriptions([.. _topics.SelectMany(Subscriptions)], "ListSubscriptions", token),
            "ListSubscriptionsByTopic" => ListSubscriptions(Subscriptions(TopicOf(parameters)), "ListSubscriptionsByTopic", token),
            "GetTopicAttributes" => GetTopicAttributes(TopicOf(parameters)),
            _ => throw new AwsServiceException("InvalidAction", $"The twin's SNS does not support {action}."),
        };
        var output = new StringBuilder();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement(action + "Response", XmlNamespace);
            xml.WriteStartElement(action + "Result");
            write(xml);
            xml.WriteEndElement();
            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", Guid.NewGuid().ToString());
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return ValueTask.FromResult(output.ToString());
    }

    private Action<XmlWriter> ListTopics(string? token)
    {
        var (page, next) = PageToken.Page(_topics, PageSize, "ListTopics", token, InvalidToken);
        return xml =>
        {
            xml.WriteStartElement("Topics");
            foreach (var topic in page)
            {
                xml.WriteStartElement("member");
                xml.WriteElementString("TopicArn", topic.TopicArn);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            WriteToken(xml, next);
        };
    }

    private static Action<XmlWriter> ListSubscriptions(IReadOnlyList<Subscription> subscriptions, string operation, string? token)
    {
        var (page, next) = PageToken.Page(subscriptions, PageSize, operation, token, InvalidToken);
        return xml =>
        {
            xml.WriteStartElement("Subscriptions");
            foreach (var subscription in page)
            {
                xml.WriteStartElement("member");
                xml.WriteElementString("SubscriptionArn", subscription.Arn);
                xml.WriteElementString("Owner", subscription.Owner);
                xml.WriteElementString("Protocol", subscription.Protocol);
                xml.WriteElementString("Endpoint", subscription.Endpoint);
                xml.WriteElementString("TopicArn", subscription.TopicArn);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            WriteToken(xml, next);
        };
    }

    // https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html: the attributes the twin's topic has.
    // Every subscription delivers from the start: none is pending confirmation, none has been deleted.
    private static Action<XmlWriter> GetTopicAttributes(LocalTopic topic) => xml =>
    {
        xml.WriteStartElement("Attributes");
        foreach (var (key, value) in (KeyValuePair<string, string>[])
        [
            new("TopicArn", topic.TopicArn),
            new("Owner", Owner(topic)),
            new("DisplayName", ""),
            new("SubscriptionsConfirmed", topic.Subscriptions.Count.ToString(CultureInfo.InvariantCulture)),
            new("SubscriptionsPending", "0"),
            new("SubscriptionsDeleted", "0"),
        ])
        {
            xml.WriteStartElement("entry");
            xml.WriteElementString("key", key);
            xml.WriteElementString("value", value);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    };

    private LocalTopic TopicOf(IReadOnlyDictionary<string, string> parameters)
    {
        var arn = parameters.GetValueOrDefault("TopicArn")
            ?? throw new AwsServiceException("InvalidParameter", "Invalid parameter: TopicArn Reason: no value for required parameter");
        return _topics.FirstOrDefault(t => t.TopicArn == arn) ?? throw new AwsServiceException("NotFound", "Topic does not exist", 404);
    }

    private static List<Subscription> Subscriptions(LocalTopic topic) =>
        [.. topic.Subscriptions.Select((s, i) => new Subscription($"{topic.TopicArn}:{StableId($"{topic.TopicArn}/{i}/{s.Protocol}")}", Owner(topic), s.Protocol, s.Endpoint, topic.TopicArn))];

    // arn:aws:sns:{region}:{account}:{name}
    private static string Owner(LocalTopic topic) => topic.TopicArn.Split(':')[4];

    // The same subscription ARN for the same subscription across restarts, shaped as SNS's (a UUID).
    private static string StableId(string text)
    {
#pragma warning disable CA5351 // An id derived from a name, not a security measure.
        return new Guid(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToString();
#pragma warning restore CA5351
    }

    private static void WriteToken(XmlWriter xml, string? next)
    {
        if (next is not null)
        {
            xml.WriteElementString("NextToken", next);
        }
    }

    private static AwsServiceException InvalidToken() => new("InvalidParameter", "Invalid parameter: NextToken");

    private sealed record Subscription(string Arn, string Owner, string Protocol, string Endpoint, string TopicArn);
}
