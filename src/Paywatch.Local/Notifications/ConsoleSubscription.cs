namespace Paywatch.Local.Notifications;

/// <summary>One short line per notification on a console (the terminal running <c>paywatch up</c>).</summary>
public sealed class ConsoleSubscription(TextWriter output) : ITopicSubscription
{
    public string Protocol => "console";

    public string Endpoint => "console";

    public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var time = notification.Timestamp.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        // Alarm messages are JSON documents: the subject says all a person needs on one line.
        var text = notification.Subject ?? notification.Message;
        await output.WriteLineAsync($"[{time}] {TopicName(notification.TopicArn)}: {FirstLine(text)}".AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string TopicName(string arn) => arn[(arn.LastIndexOf(':') + 1)..];

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
