namespace Paywatch.Cli.Tests;

/// <summary>
/// <c>paywatch up</c> stopped with SIGTERM while a producer is still sending and a slow webhook (20 ms a POST) is behind:
/// the stop finishes (exit 0), and after a restart on the same folder every acknowledged transaction reaches the
/// webhook, none under the same MessageId twice, and at most the last unfinished batch of each lane is processed again
/// (issue 24: a stop that finishes).
/// </summary>
public sealed class UpStopTests : IDisposable
{
    /// <summary>Terraform's mapping: 5 shards × parallelization factor 2, batches of up to 100 records.</summary>
    private const int Lanes = 5 * 2;
    private const int BatchSize = 100;
    private readonly RoutedTwinFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public async Task SIGTERM_under_load_delivers_no_notification_twice_and_processes_again_at_most_a_batch_per_lane()
    {
        using var webhook = new SlowWebhook(answersBeforeHang: int.MaxValue);
        List<string> acknowledged;
        using (var first = await TwinProcess.StartAsync(_folders.Data, _folders.Config, webhook.Url))
        {
            // The producer goes on sending, 500 records a call, until the stopping twin refuses it.
            var sending = RoutedTwinFolders.SendAsync(first.Endpoint, Enumerable.Range(0, 50_000).Select(RoutedTwinFolders.Id), stopAtFailure: true);
            await RoutedTwinFolders.WaitUntilAsync(() => webhook.Received.Count >= 200, TimeSpan.FromSeconds(120));
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(60)));
            acknowledged = await sending;
            Assert.DoesNotContain("Unhandled exception", first.Stderr, StringComparison.Ordinal);
        }

        Assert.InRange(acknowledged.Count, 500, 49_500); // The stop came while the producer was still sending.

        using var second = await TwinProcess.StartAsync(_folders.Data, _folders.Config, webhook.Url);
        await RoutedTwinFolders.WaitUntilAsync(() => RoutedTwinFolders.Covered(webhook.Received.Select(r => r.Message), acknowledged), TimeSpan.FromSeconds(300));
        await webhook.WaitUntilQuietAsync();

        Assert.Empty(webhook.Received.GroupBy(r => r.MessageId).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All((await second.PossibleDuplicatesAsync()).Values, count => Assert.Equal(0, count));
        // A record processed again is routed again: a new notification, a new MessageId, the same transaction.
        var processedAgain = webhook.Received.GroupBy(r => r.Message).Sum(g => g.Count() - 1);
        Assert.InRange(processedAgain, 0, Lanes * BatchSize);
    }
}
