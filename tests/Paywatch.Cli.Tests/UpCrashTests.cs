using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;

namespace Paywatch.Cli.Tests;

/// <summary>
/// <c>paywatch up</c> killed with SIGKILL while a slow webhook (20 ms a POST) is behind: after a restart on the same data
/// folder every routed transaction reaches the webhook and notifications.jsonl, and the repeated deliveries are the
/// ones the twin reports. Every transaction is routed: a rule of the test's own config matches them all (the alert rules'
/// budget paces alerts at ten a second, docs/alerting.md, and a crash test needs a backlog).
/// </summary>
public sealed class UpCrashTests : IDisposable
{
    private const int Transactions = 1000;
    private const int WebhookAnswersBeforeItHangs = 100;
    private readonly string _data = Directory.CreateTempSubdirectory("paywatch-up-crash-").FullName;
    private readonly string _config = Directory.CreateTempSubdirectory("paywatch-up-crash-config-").FullName;

    public UpCrashTests()
    {
        Commands.BuiltInConfig.ExtractTo(_config);
        File.WriteAllText(Path.Combine(_config, "rules", "every-crash.json"), """{"Name": "every-crash", "EventPattern": {"detail": {"transaction_id": [{"prefix": "crash-"}]}}}""");
        File.WriteAllText(Path.Combine(_config, "targets", "every-crash.json"), """
            {"Rule": "every-crash", "Targets": [{"Id": "alerts-topic", "Arn": "${alerts_topic_arn}",
              "InputTransformer": {"InputPathsMap": {"id": "$.detail.transaction_id"}, "InputTemplate": "\"routed <id>\""}}]}
            """);
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_config, recursive: true);
    }

    [Fact]
    public async Task Kill_9_mid_delivery_loses_no_notification_of_an_acknowledged_routed_event_and_reports_the_duplicates_it_causes()
    {
        using var webhook = new SlowWebhook(WebhookAnswersBeforeItHangs);
        var ids = Enumerable.Range(0, Transactions).Select(Id).ToList();
        var notifications = Path.Combine(_data, "notifications.jsonl");

        using (var first = await TwinProcess.StartAsync(_data, _config, webhook.Url))
        {
            await SendAsync(first.Endpoint, ids);
            // Every transaction processed and routed (the file subscription has them all), while the webhook has
            // answered 100 and holds the requests under way: they reached it, but their delivery was never recorded.
            await WaitUntilAsync(() => Covered(FileMessages(notifications), ids) && webhook.Held > 0, TimeSpan.FromSeconds(120));
            await webhook.WaitUntilQuietAsync();
            first.Kill();
        }

        var receivedBeforeKill = webhook.Received.Count;
        Assert.InRange(receivedBeforeKill, WebhookAnswersBeforeItHangs + 1, Transactions);
        webhook.AnswerAll();

        using var second = await TwinProcess.StartAsync(_data, _config, webhook.Url);
        await WaitUntilAsync(() => Covered(webhook.Received.Select(r => r.Message), ids) && Covered(FileMessages(notifications), ids), TimeSpan.FromSeconds(120));

        // Redelivery by the outbox repeats a MessageId; a record the mapping processes again after its last checkpoint
        // is a new message. The first kind is what the twin counts as possible duplicates.
        var webhookDuplicates = webhook.Received.GroupBy(r => r.MessageId).Sum(g => g.Count() - 1);
        var fileDuplicates = FileNotifications(notifications).GroupBy(n => n.MessageId).Sum(g => g.Count() - 1);
        var reported = await second.PossibleDuplicatesAsync();
        Assert.Equal(webhook.HeldAtKill, webhookDuplicates);
        Assert.Equal(webhookDuplicates, reported[$"http:{webhook.Url}"]);
        Assert.Equal(fileDuplicates, reported[$"file:{notifications}"]);
        Assert.InRange(webhookDuplicates, 1, 10); // At most the webhook's concurrent deliveries.
        Assert.Contains("redelivering", second.Stderr, StringComparison.Ordinal);
    }

    // Letters only: the card-number masker leaves them alone.
    private static string Id(int i) => "crash-" + string.Concat(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture).Select(c => (char)('a' + (c - '0'))));

    private static bool Covered(IEnumerable<string> messages, List<string> ids)
    {
        var text = string.Join("\n", messages);
        return ids.All(id => text.Contains(id, StringComparison.Ordinal));
    }

    private static IEnumerable<string> FileMessages(string path) => FileNotifications(path).Select(n => n.Message);

    private static List<(string MessageId, string Message)> FileNotifications(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return
        [
            .. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.EndsWith('}'))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("MessageId").GetString()!, e.GetProperty("Message").GetString()!)),
        ];
    }

    private static async Task SendAsync(Uri endpoint, List<string> ids)
    {
        using var http = new HttpClient();
        var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("test", "test"), "us-east-1", "transaction-stream-local", endpoint);
        // Each is routed by every-crash (high-value ones by paywatch-high-value too, within the budget).
        var records = ids.Select((id, i) => new KinesisRecord(
            Encoding.UTF8.GetBytes($$"""{"transaction_id":"{{id}}","amount":15000,"type":"PURCHASE","merchant_id":"merchant-{{id}}","merchant_country":"US","transaction_count":1}"""),
            id)).ToList();
        var acknowledged = 0;
        foreach (var chunk in records.Chunk(KinesisPutRecordsClient.MaxRecordsPerRequest))
        {
            acknowledged += (await client.PutRecordsAsync(chunk, CancellationToken.None)).Acknowledged;
        }

        Assert.Equal(ids.Count, acknowledged);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, "timed out");
            await Task.Delay(50);
        }
    }

    /// <summary><c>paywatch up</c> in a child process, killed with SIGKILL.</summary>
    private sealed class TwinProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private readonly TaskCompletionSource<Uri> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TwinProcess(ProcessStartInfo start)
        {
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) =>
            {
                // The header's "endpoint   http://127.0.0.1:PORT" line: the port is chosen at start (--port 0).
                if (e.Data?.Trim() is { } line && line.StartsWith("endpoint", StringComparison.Ordinal))
                {
                    _endpoint.TrySetResult(new Uri(line["endpoint".Length..].Trim() + "/"));
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
        }

        public Uri Endpoint => _endpoint.Task.Result;

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static async Task<TwinProcess> StartAsync(string data, string config, Uri webhook)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "paywatch.dll"), "up", "--data", data, "--config", config, "--port", "0", "--notify-webhook", webhook.ToString() })
            {
                start.ArgumentList.Add(argument);
            }

            var twin = new TwinProcess(start);
            twin._process.Start();
            twin._process.BeginOutputReadLine();
            twin._process.BeginErrorReadLine();
            await twin._endpoint.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return twin;
        }

        public async Task<Dictionary<string, int>> PossibleDuplicatesAsync()
        {
            using var http = new HttpClient();
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(Endpoint, "api/status")));
            return status.RootElement.GetProperty("counts").GetProperty("notificationPossibleDuplicates").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }

    /// <summary>
    /// An HTTP endpoint on 127.0.0.1 taking 20 ms a POST. After a number of answers it hangs: it records each request
    /// it receives and never answers, until <see cref="AnswerAll"/>.
    /// </summary>
    private sealed class SlowWebhook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _answersBeforeHang;
        private readonly TaskCompletionSource _answerAll = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _answered;
        private int _held;

        public SlowWebhook(int answersBeforeHang)
        {
            _answersBeforeHang = answersBeforeHang;
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public Uri Url { get; }

        public ConcurrentQueue<(string MessageId, string Message)> Received { get; } = new();

        public int Held => Volatile.Read(ref _held);

        /// <summary>The requests held unanswered when the twin was killed.</summary>
        public int HeldAtKill { get; private set; }

        public void AnswerAll()
        {
            HeldAtKill = Held;
            _answerAll.TrySetResult();
        }

        /// <summary>Waits until no request has arrived for half a second: every delivery under way has reached it.</summary>
        public async Task WaitUntilQuietAsync()
        {
            var count = -1;
            while (count != Received.Count)
            {
                count = Received.Count;
                await Task.Delay(500);
            }
        }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => HandleAsync(context));
            }
        }

        private async Task HandleAsync(HttpListenerContext context)
        {
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                using var document = JsonDocument.Parse(await reader.ReadToEndAsync());
                var root = document.RootElement;
                if (!_answerAll.Task.IsCompleted && Interlocked.Increment(ref _answered) > _answersBeforeHang)
                {
                    Interlocked.Increment(ref _held);
                    Received.Enqueue((root.GetProperty("MessageId").GetString()!, root.GetProperty("Message").GetString()!));
                    await _answerAll.Task;
                    context.Response.Abort();
                    return;
                }

                await Task.Delay(20);
                Received.Enqueue((root.GetProperty("MessageId").GetString()!, root.GetProperty("Message").GetString()!));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The killed twin's connection.
            }
        }
    }
}
