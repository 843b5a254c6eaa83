using System.Globalization;
using System.Text.Json;

namespace Paywatch.Local.Notifications;

/// <summary>
/// One message as SNS delivers it to an HTTP/S or SQS subscriber: the notification JSON document of
/// https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html (Type, MessageId, TopicArn, Subject,
/// Message, Timestamp, SignatureVersion, Signature, SigningCertURL, UnsubscribeURL).
/// </summary>
/// <param name="Subject">Null when the publisher gave none: SNS then leaves the field out of the document.</param>
/// <param name="Signature">
/// The twin signs nothing (no AWS certificate to sign with): an empty string, so a subscriber that verifies
/// signatures fails loudly instead of trusting a fake one.
/// </param>
public sealed record TopicNotification(
    string MessageId,
    string TopicArn,
    string? Subject,
    string Message,
    DateTimeOffset Timestamp,
    string SignatureVersion,
    string Signature,
    string SigningCertUrl,
    string UnsubscribeUrl)
{
    public const string Type = "Notification";

    /// <summary>
    /// What produced the message, for the twin's own views (the console's per-rule counts): the bus rule that routed
    /// it, or the alarm that changed state; null when the publisher said nothing. Not part of SNS's document.
    /// </summary>
    public string? Origin { get; init; }

    /// <summary>The JSON document, fields in the order SNS writes them.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(nameof(Type), Type);
            writer.WriteString(nameof(MessageId), MessageId);
            writer.WriteString(nameof(TopicArn), TopicArn);
            if (Subject is not null)
            {
                writer.WriteString(nameof(Subject), Subject);
            }

            writer.WriteString(nameof(Message), Message);
            // SNS writes milliseconds and a Z: 2012-05-02T00:54:06.655Z.
            writer.WriteString(nameof(Timestamp), Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString(nameof(SignatureVersion), SignatureVersion);
            writer.WriteString(nameof(Signature), Signature);
            writer.WriteString("SigningCertURL", SigningCertUrl);
            writer.WriteString("UnsubscribeURL", UnsubscribeUrl);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
