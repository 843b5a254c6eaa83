using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Tests.Notifications;

public sealed class EmailSubscriptionTests
{
    /// <summary>https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html: the subject, or "AWS Notification Message".</summary>
    [Fact]
    public async Task An_alarm_is_mailed_with_its_subject_and_the_message_as_the_body()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = ReceiveOneMailAsync(listener);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var email = new EmailSubscription(new SmtpSettings("127.0.0.1", port, "paywatch@localhost", "ops@example.com"));
        await using (var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [email], time))
        {
            topic.Publish("{\"AlarmName\":\"paywatch-error-rate-local\"}", "ALARM: \"paywatch-error-rate-local\" in US East (N. Virginia)");
            await topic.FlushAsync();
            Assert.Equal(0, topic.DeliveryFailures);
        }

        var mail = await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("RCPT TO:<ops@example.com>", mail, StringComparison.Ordinal);
        Assert.Contains("Subject: ALARM: \"paywatch-error-rate-local\" in US East (N. Virginia)", mail, StringComparison.Ordinal);
        Assert.Contains("{\"AlarmName\":\"paywatch-error-rate-local\"}", mail, StringComparison.Ordinal);
    }

    // Just enough SMTP (RFC 5321) for one message: greeting, 250 to every command, 354 to DATA, 221 to QUIT.
    private static async Task<string> ReceiveOneMailAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var transcript = new StringBuilder();
        await writer.WriteLineAsync("220 localhost ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            transcript.AppendLine(line);
            if (line.StartsWith("DATA", StringComparison.OrdinalIgnoreCase))
            {
                await writer.WriteLineAsync("354 go ahead");
                while (await reader.ReadLineAsync() is { } data && data != ".")
                {
                    transcript.AppendLine(data);
                }

                await writer.WriteLineAsync("250 queued");
            }
            else if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
            {
                await writer.WriteLineAsync("221 bye");
                break;
            }
            else
            {
                await writer.WriteLineAsync("250 ok");
            }
        }

        return transcript.ToString();
    }
}
