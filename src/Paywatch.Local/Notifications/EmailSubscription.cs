using System.Net.Mail;

namespace Paywatch.Local.Notifications;

/// <summary>
/// The SNS email subscription, through an SMTP server: the message as a plain-text body, the notification's subject
/// (or SNS's default, "AWS Notification Message") as the mail's subject
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html). Off unless configured.
/// </summary>
public sealed class EmailSubscription(SmtpSettings settings) : ITopicSubscription
{
    // What SNS puts in an email notification's subject when the publisher gave none.
    internal const string DefaultSubject = "AWS Notification Message";

    public string Protocol => "email";

    public string Endpoint => settings.To;

    public DeliveryPolicy DeliveryPolicy => DeliveryPolicy.Smtp;

    public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var client = new SmtpClient(settings.Host, settings.Port) { EnableSsl = settings.EnableSsl };
        if (settings.UserName is not null)
        {
            client.Credentials = new System.Net.NetworkCredential(settings.UserName, settings.Password);
        }

        using var mail = new MailMessage(settings.From, settings.To)
        {
            Subject = notification.Subject ?? DefaultSubject,
            Body = $"{notification.Message}\n\n--\nSent by the Paywatch local twin for {notification.TopicArn}.\n",
        };
        await client.SendMailAsync(mail, cancellationToken).ConfigureAwait(false);
    }
}
