using System.Text;

namespace Paywatch.Local.Notifications;

/// <summary>
/// A webhook: each notification POSTed as SNS posts to an HTTP/S subscription, the notification JSON with
/// <c>Content-Type: text/plain; charset=UTF-8</c> and the <c>x-amz-sns-*</c> headers
/// (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html,
/// https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html). A non-2xx answer is a failed delivery,
/// retried by SNS's default HTTP/S policy. Like SNS, it does not wait for one POST to end before the next: up to
/// <paramref name="maxConcurrentDeliveries"/> at once, so notifications may arrive out of order.
/// </summary>
public sealed class HttpSubscription(HttpClient http, Uri endpoint, int maxConcurrentDeliveries = 10) : ITopicSubscription
{
    public string Protocol => endpoint.Scheme;

    public int MaxConcurrentDeliveries => maxConcurrentDeliveries;

    public Uri Endpoint => endpoint;

    string ITopicSubscription.Endpoint => endpoint.ToString();

    public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(notification.ToJson(), Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("x-amz-sns-message-type", TopicNotification.Type);
        request.Headers.Add("x-amz-sns-message-id", notification.MessageId);
        request.Headers.Add("x-amz-sns-topic-arn", notification.TopicArn);
        request.Headers.Add("x-amz-sns-subscription-arn", $"{notification.TopicArn}:webhook");
        request.Headers.UserAgent.ParseAdd("Amazon Simple Notification Service Agent");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }
}
