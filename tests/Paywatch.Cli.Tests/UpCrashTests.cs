namespace Paywatch.Cli.Tests;

/// <summary>
/// <c>paywatch up</c> killed with SIGKILL while a slow webhook (20 ms a POST) is behind: after a restart on the same data
/// folder every routed transaction reaches the webhook and notifications.jsonl, and the repeated deliveries are the
/// ones the twin reports.
/// </summary>
public sealed class UpCrashTests : IDisposable
{
    private const int Transactions = 1000;
    private const int WebhookAnswersBeforeItHangs = 100;
    private readonly RoutedTwinFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task Kill_9_mid_delivery_loses_no_notification_of_an_acknowledged_routed_event_and_reports_the_duplicates_it_causes()
    {
        using var webhook = new SlowWebhook(WebhookAnswersBeforeItHangs);
        var ids = Enumerable.Range(0, Transactions).Select(RoutedTwinFolders.Id).ToList();

        using (var first = await TwinProcess.StartAsync(_folders.Data, _folders.Config, webhook.Url))
        {
            Assert.Equal(ids, await RoutedTwinFolders.SendAsync(first.Endpoint, ids));
            // Every transaction processed and routed (the file subscription has them all), while the webhook has
            // answered 100 and holds the requests under way: they reached it, but their delivery was never recorded.
            await RoutedTwinFolders.WaitUntilAsync(() => RoutedTwinFolders.Covered(_folders.FileMessages(), ids) && webhook.Held > 0, TimeSpan.FromSeconds(120));
            await webhook.WaitUntilQuietAsync();
            first.Kill();
        }

        var receivedBeforeKill = webhook.Received.Count;
        Assert.InRange(receivedBeforeKill, WebhookAnswersBeforeItHangs + 1, Transactions);
        webhook.AnswerAll();

        using var second = await TwinProcess.StartAsync(_folders.Data, _folders.Config, webhook.Url);
        await RoutedTwinFolders.WaitUntilAsync(
            () => RoutedTwinFolders.Covered(webhook.Received.Select(r => r.Message), ids) && RoutedTwinFolders.Covered(_folders.FileMessages(), ids), TimeSpan.FromSeconds(120));

        // Redelivery by the outbox repeats a MessageId; a record the mapping processes again after its last checkpoint
        // is a new message. The first kind is what the twin counts as possible duplicates.
        var webhookDuplicates = webhook.Received.GroupBy(r => r.MessageId).Sum(g => g.Count() - 1);
        var fileDuplicates = _folders.FileNotifications().GroupBy(n => n.MessageId).Sum(g => g.Count() - 1);
        var reported = await second.PossibleDuplicatesAsync();
        Assert.Equal(webhook.HeldAtKill, webhookDuplicates);
        Assert.Equal(webhookDuplicates, reported[$"http:{webhook.Url}"]);
        Assert.Equal(fileDuplicates, reported[$"file:{_folders.NotificationsFile}"]);
        Assert.InRange(webhookDuplicates, 1, 10); // At most the webhook's concurrent deliveries.
        Assert.Contains("redelivering", second.Stderr, StringComparison.Ordinal);
    }
}
