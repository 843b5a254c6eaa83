using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;

namespace Paywatch.Cli.Tests;

/// <summary>
/// A data folder and a config of its own for a <c>paywatch up</c> child process, whose rule <c>every-crash</c> routes
/// every transaction whose id begins <c>crash-</c> to the topic as "routed &lt;id&gt;" (the alert rules' budget paces
/// alerts at ten a second, docs/alerting.md, and stop tests need a backlog), with the helpers to feed and read it.
/// </summary>
internal sealed class RoutedTwinFolders : IDisposable
{
    public RoutedTwinFolders()
    {
        Commands.BuiltInConfig.ExtractTo(Config);
        File.WriteAllText(Path.Combine(Config, "rules", "every-crash.json"), """{"Name": "every-crash", "EventPattern": {"detail": {"transaction_id": [{"prefix": "crash-"}]}}}""");
        File.WriteAllText(Path.Combine(Config, "targets", "every-crash.json"), """
            {"Rule": "every-crash", "Targets": [{"Id": "alerts-topic", "Arn": "${alerts_topic_arn}",
              "InputTransformer": {"InputPathsMap": {"id": "$.detail.transaction_id"}, "InputTemplate": "\"routed <id>\""}}]}
            """);
    }

    public string Data { get; } = Directory.CreateTempSubdirectory("paywatch-up-data-").FullName;

    public string Config { get; } = Directory.CreateTempSubdirectory("paywatch-up-config-").FullName;

    public string NotificationsFile => Path.Combine(Data, "notifications.jsonl");

    public void Dispose()
    {
        Directory.Delete(Data, recursive: true);
        Directory.Delete(Config, recursive: true);
    }

    /// <summary>A transaction id the rule routes. Letters only: the card-number masker leaves them alone.</summary>
    public static string Id(int i) => "crash-" + string.Concat(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture).Select(c => (char)('a' + (c - '0'))));

    /// <summary>Puts a transaction for each id, 500 to a PutRecords call, and returns the ids acknowledged.</summary>
    /// <param name="stopAtFailure">Whether a failed call ends the sending (the twin stopped) rather than the test.</param>
    public static async Task<List<string>> SendAsync(Uri endpoint, IEnumerable<string> ids, bool stopAtFailure = false)
    {
        using var http = new HttpClient();
        var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("test", "test"), "us-east-1", "transaction-stream-local", endpoint);
        var acknowledged = new List<string>();
        foreach (var chunk in ids.Chunk(KinesisPutRecordsClient.MaxRecordsPerRequest))
        {
            var records = chunk.Select(id => new KinesisRecord(
                Encoding.UTF8.GetBytes($$"""{"transaction_id":"{{id}}","amount":15000,"type":"PURCHASE","merchant_id":"merchant-{{id}}","merchant_country":"US","transaction_count":1}"""),
                id)).ToList();
            PutRecordsOutcome outcome;
            try
            {
                outcome = await client.PutRecordsAsync(records, CancellationToken.None);
            }
            catch (HttpRequestException) when (stopAtFailure)
            {
                break;
            }

            var failed = outcome.Failed.Select(f => f.Index).ToHashSet();
            acknowledged.AddRange(chunk.Where((_, i) => !failed.Contains(i)));
            if (failed.Count > 0)
            {
                Assert.True(stopAtFailure, $"records refused: {string.Join(", ", outcome.Failed.Select(f => f.ErrorCode).Distinct())}");
                break;
            }
        }

        return acknowledged;
    }

    public static bool Covered(IEnumerable<string> messages, IEnumerable<string> ids)
    {
        var text = string.Join("\n", messages);
        return ids.All(id => text.Contains(id, StringComparison.Ordinal));
    }

    public IEnumerable<string> FileMessages() => FileNotifications().Select(n => n.Message);

    public List<(string MessageId, string Message)> FileNotifications()
    {
        if (!File.Exists(NotificationsFile))
        {
            return [];
        }

        using var stream = new FileStream(NotificationsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return
        [
            .. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.EndsWith('}'))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("MessageId").GetString()!, e.GetProperty("Message").GetString()!)),
        ];
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, "timed out");
            await Task.Delay(50);
        }
    }
}
