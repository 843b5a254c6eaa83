using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.Queues;

namespace Paywatch.Local.Tests.Notifications;

public sealed class LocalTopicTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, 655, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    /// <summary>https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html</summary>
    [Fact]
    public async Task A_notification_has_the_fields_SNS_posts_and_no_Subject_when_none_was_given()
    {
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], _time);

        var document = JsonDocument.Parse(topic.Publish("hello").ToJson()).RootElement;

        Assert.Equal(
            ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL"],
            document.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Notification", document.GetProperty("Type").GetString());
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local", document.GetProperty("TopicArn").GetString());
        Assert.Equal("2026-11-26T12:00:00.655Z", document.GetProperty("Timestamp").GetString());
        Assert.Equal("1", document.GetProperty("SignatureVersion").GetString());
        Assert.True(Guid.TryParse(document.GetProperty("MessageId").GetString(), out _));
        Assert.Equal("s", JsonDocument.Parse(topic.Publish("m", "s").ToJson()).RootElement.GetProperty("Subject").GetString());
    }

    [Fact]
    public async Task The_webhook_gets_a_POST_of_the_notification_with_the_SNS_message_type_header()
    {
        var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var notification = default(TopicNotification);
        await using (var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [new HttpSubscription(http, new Uri("http://127.0.0.1:9/hook"))], _time))
        {
            notification = topic.Publish("alert", "subject");
            await topic.FlushAsync();
        }

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("Notification", request.Headers["x-amz-sns-message-type"]);
        Assert.Equal(notification.MessageId, request.Headers["x-amz-sns-message-id"]);
        Assert.Equal(notification.ToJson(), request.Body);
    }

    [Fact]
    public async Task Every_notification_is_a_line_of_the_file_and_a_failing_subscription_does_not_stop_the_others()
    {
        var path = Path.Combine(_folder.Path, "notifications.jsonl");
        var console = new StringWriter();
        await using (var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [new FailingSubscription(), new JsonLinesFileSubscription(path), new ConsoleSubscription(console)], _time))
        {
            topic.Publish("first");
            topic.Publish("{\"AlarmName\":\"x\"}", "ALARM: \"x\" in US East (N. Virginia)");
            await topic.FlushAsync();
            Assert.Equal(2, topic.DeliveryFailures);
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(["first", "{\"AlarmName\":\"x\"}"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Message").GetString()));
        Assert.Contains("paywatch-alerts-local: ALARM: \"x\" in US East (N. Virginia)", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_most_recent_notifications_are_kept()
    {
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], _time, recentLimit: 2);

        topic.Publish("1");
        topic.Publish("2");
        topic.Publish("3");

        Assert.Equal(["2", "3"], topic.Recent.Select(n => n.Message));
        Assert.Equal(3, topic.PublishedCount);
    }

    private sealed class FailingSubscription : ITopicSubscription
    {
        public string Protocol => "test";

        public Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken) => throw new IOException("unreachable");
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(HttpMethod Method, Dictionary<string, string> Headers, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Requests.Add((request.Method, headers, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
