using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Storage;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Queues;

/// <summary>
/// The twin's SQS queue (the DLQ <c>transaction-processor-dlq-local</c>), kept in a file: a message is appended and
/// fsynced before <see cref="SendMessage"/> returns, and stays until deleted (or older than the retention period,
/// 14 days as infra/sqs.tf sets it). Receiving follows SQS's standard-queue contract
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html): a
/// received message is hidden for the visibility timeout and comes back if not deleted in time; each receive gets a
/// new receipt handle, and only the latest one deletes. Visibility and receive counts live in memory: after a
/// restart every message is visible again, which at-least-once delivery allows. A message sent with a delay is
/// hidden until its delay has passed, restart or not (the delay is kept in the file), and message attributes are
/// kept with the body.
/// </summary>
/// <remarks>
/// The file is a journal (<see cref="JournalFile"/>: framed JSON records), one record per send
/// (<c>{"op":"send",...}</c>) and per delete (<c>{"op":"delete","id":...}</c>); opening replays it by the data folder's
/// rule (a torn tail cut: a crash mid-append, that send had not returned; a damaged record skipped, never the records
/// after it; each repair reported) and rewrites it with only the live messages. AWS/SQS metrics (NumberOfMessagesSent, NumberOfMessagesReceived,
/// NumberOfMessagesDeleted, ApproximateNumberOfMessagesVisible, ApproximateNumberOfMessagesNotVisible,
/// ApproximateAgeOfOldestMessage; dimension QueueName) go to the metric store when one is given: counts as they
/// happen, gauges when the queue opens, on every change and once a minute, as SQS reports them.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: SQS's term.")]
public sealed class DurableQueue : IFailureDestination, IDisposable
{
    private const int CompactAfterDeletes = 1000;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly MetricStore? _metrics;
    private readonly Lock _lock = new();
    private readonly List<Entry> _messages = [];
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly ITimer? _metricsTimer;
    private FileStream _file;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _deletesSinceCompaction;
    private DateTimeOffset _lastModified;
    private DateTimeOffset? _lastPurge;

    /// <param name="queueName">The queue's name, e.g. <c>transaction-processor-dlq-local</c>.</param>
    /// <param name="directory">The data folder; the queue is the file <c>{directory}/{queueName}.jsonl</c>.</param>
    /// <param name="timeProvider">The clock of visibility timeouts, long polls and timestamps.</param>
    /// <param name="metrics">Where AWS/SQS metrics go; null for none.</param>
    /// <param name="visibilityTimeout">The queue's default visibility timeout (SQS's default: 30 s).</param>
    /// <param name="report">Where repairs of the file are reported; null to drop them.</param>
    public DurableQueue(
        string queueName,
        string directory,
        TimeProvider timeProvider,
        MetricStore? metrics = null,
        TimeSpan? visibilityTimeout = null,
        string region = "us-east-1",
        string accountId = "000000000000",
        DataFolderReport? report = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        QueueName = queueName;
        QueueArn = $"arn:aws:sqs:{region}:{accountId}:{queueName}";
        AccountId = accountId;
        _time = timeProvider;
        _metrics = metrics;
        VisibilityTimeout = visibilityTimeout ?? TimeSpan.FromSeconds(30);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, queueName + ".journal");
        // Earlier releases kept JSON lines under another name: read once, then replaced.
        var legacy = Path.Combine(directory, queueName + ".jsonl");
        var source = !File.Exists(_path) && File.Exists(legacy) ? legacy : _path;
        CreatedTimestamp = File.Exists(source) ? new DateTimeOffset(File.GetCreationTimeUtc(source), TimeSpan.Zero) : _time.GetUtcNow();
        _lastModified = CreatedTimestamp;
        Load(source, report ?? new DataFolderReport());
        _file = Rewrite();
        if (source == legacy)
        {
            File.Delete(legacy);
        }
        if (metrics is not null)
        {
            _metricsTimer = _time.CreateTimer(_ => PublishGauges(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            // The queue exists from now: its first minute has its gauges too (an empty DLQ is 0, not missing data).
            PublishGauges();
        }
    }

    public string QueueName { get; }

    public string QueueArn { get; }

    public string AccountId { get; }

    public TimeSpan VisibilityTimeout { get; }

    /// <summary>SQS's maximum, as infra/sqs.tf sets it.</summary>
    public TimeSpan MessageRetentionPeriod { get; } = TimeSpan.FromDays(14);

    public DateTimeOffset CreatedTimestamp { get; }

    /// <summary>Messages stored (visible or not); the DLQ depth.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    ValueTask IFailureDestination.SendMessageAsync(string body, CancellationToken cancellationToken)
    {
        SendMessage(body);
        return ValueTask.CompletedTask;
    }

    /// <summary>Stores a message durably (written and fsynced) and returns its id and the MD5 of its body.</summary>
    public (string MessageId, string Md5OfMessageBody) SendMessage(string body)
    {
        var (id, md5, _) = SendMessage(body, TimeSpan.Zero, new Dictionary<string, MessageAttributeValue>());
        return (id, md5);
    }

    /// <summary>
    /// SendMessage with DelaySeconds and MessageAttributes: the message is stored durably at once and first
    /// received once <paramref name="delay"/> has passed
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-timers.html).
    /// </summary>
    /// <returns>Its id, the MD5 of its body, and the MD5 of its attributes (null when it has none).</returns>
    public (string MessageId, string Md5OfMessageBody, string? Md5OfMessageAttributes) SendMessage(
        string body, TimeSpan delay, IReadOnlyDictionary<string, MessageAttributeValue> messageAttributes)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(messageAttributes);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var entry = new Entry(Guid.NewGuid().ToString(), body, Md5(body), _time.GetUtcNow(), delay, new Dictionary<string, MessageAttributeValue>(messageAttributes, StringComparer.Ordinal));
        lock (_lock)
        {
            Append(Line("send", entry));
            _messages.Add(entry);
            _byId.Add(entry.Id, entry);
            Changed(entry.Sent);
        }

        CountMetric("NumberOfMessagesSent", 1);
        PublishGauges();
        return (entry.Id, entry.Md5, MessageAttributeValue.Md5(entry.Attributes));
    }

    /// <summary>
    /// ChangeMessageVisibility: the message received with <paramref name="receiptHandle"/> becomes visible again
    /// <paramref name="visibilityTimeout"/> from now (zero: at once)
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
    /// </summary>
    /// <exception cref="ReceiptHandleIsInvalidException">The handle is not one this queue issues.</exception>
    /// <exception cref="MessageNotInflightException">The message is not in flight under this handle.</exception>
    public void ChangeMessageVisibility(string receiptHandle, TimeSpan visibilityTimeout)
    {
        var id = MessageIdOf(receiptHandle);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (!_byId.TryGetValue(id, out var entry) || entry.ReceiptHandle != receiptHandle || entry.VisibleAt <= now)
            {
                throw new MessageNotInflightException();
            }

            entry.VisibleAt = now + visibilityTimeout;
            Changed(now);
        }

        PublishGauges();
    }

    /// <summary>
    /// PurgeQueue: deletes every message, in flight or not; SQS allows one purge a minute
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html).
    /// </summary>
    /// <exception cref="PurgeQueueInProgressException">The queue was purged less than 60 seconds ago.</exception>
    public void PurgeQueue()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_lastPurge is { } last && now - last < TimeSpan.FromSeconds(60))
            {
                throw new PurgeQueueInProgressException();
            }

            _lastPurge = now;
            _messages.Clear();
            _byId.Clear();
            // The file is rewritten empty (atomically), rather than a delete line per message.
            _file.Dispose();
            _file = Rewrite();
            Changed(now);
        }

        PublishGauges();
    }

    /// <summary>
    /// ReceiveMessage: up to <paramref name="maxNumberOfMessages"/> (1-10) visible messages, oldest first, hidden
    /// for <paramref name="visibilityTimeout"/> (the queue's default when null). With a <paramref name="waitTime"/>
    /// (long polling, at most 20 s) it waits until a message is visible or the time is up.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessageAsync(
        int maxNumberOfMessages, TimeSpan? visibilityTimeout, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxNumberOfMessages, 10);
        var deadline = _time.GetUtcNow() + waitTime;
        while (true)
        {
            Task changed;
            TimeSpan wait;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                var received = ReceiveLocked(maxNumberOfMessages, visibilityTimeout ?? VisibilityTimeout, now);
                if (received.Count > 0 || now >= deadline)
                {
                    if (received.Count > 0)
                    {
                        CountMetric("NumberOfMessagesReceived", received.Count);
                    }

                    return received;
                }

                // Wake for a new message, for a hidden one coming back, or at the deadline.
                var nextVisible = _messages.Where(m => m.VisibleAt > now).Select(m => m.VisibleAt).DefaultIfEmpty(deadline).Min();
                wait = (nextVisible < deadline ? nextVisible : deadline) - now;
                changed = _changed.Task;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, _time, timeout.Token);
            await Task.WhenAny(changed, delay).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// DeleteMessage. A handle of an older receive of a message received again succeeds without deleting it, and a
    /// handle of a message already gone succeeds, as SQS documents
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
    /// </summary>
    /// <returns>Whether a message was deleted.</returns>
    /// <exception cref="ReceiptHandleIsInvalidException">The handle is not one this queue issues.</exception>
    public bool DeleteMessage(string receiptHandle)
    {
        var id = MessageIdOf(receiptHandle);
        return Delete(id, entry => entry.ReceiptHandle == receiptHandle);
    }

    /// <summary>Every stored message, oldest first, without receiving any: what the web UI lists (SQS has no such call).</summary>
    public IReadOnlyList<StoredMessage> Peek()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            return [.. _messages.Select(m => new StoredMessage(m.Id, m.Body, m.Sent, m.ReceiveCount, m.VisibleAt <= now))];
        }
    }

    /// <summary>
    /// Deletes a message by id when it is visible (no consumer holds it): how a redrive removes the message whose
    /// records it has put back. A message in flight stays, so that its consumer's delete still works.
    /// </summary>
    /// <returns>Whether the message was deleted.</returns>
    public bool DeleteVisible(string messageId) => Delete(messageId, entry => entry.VisibleAt <= _time.GetUtcNow());

    private bool Delete(string messageId, Func<Entry, bool> deletable)
    {
        bool deleted;
        lock (_lock)
        {
            deleted = _byId.TryGetValue(messageId, out var entry) && deletable(entry);
            if (deleted)
            {
                Remove(entry!);
            }
        }

        if (deleted)
        {
            CountMetric("NumberOfMessagesDeleted", 1);
            PublishGauges();
        }

        return deleted;
    }

    /// <summary>GetQueueAttributes.</summary>
    public QueueAttributes GetAttributes()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var visible = _messages.Count(m => m.VisibleAt <= now);
            // Delayed: never received and still hidden; SQS counts those apart from the messages in flight.
            var delayed = _messages.Count(m => m.VisibleAt > now && m.ReceiveCount == 0);
            return new QueueAttributes(
                QueueArn, visible, _messages.Count - visible - delayed, CreatedTimestamp, _lastModified, VisibilityTimeout, MessageRetentionPeriod, delayed);
        }
    }

    /// <summary>Writes the gauges (visible, not visible, age of the oldest message) to the metric store now.</summary>
    public void PublishGauges()
    {
        if (_metrics is null)
        {
            return;
        }

        var attributes = GetAttributes();
        var now = _time.GetUtcNow();
        DateTimeOffset? oldest;
        lock (_lock)
        {
            oldest = _messages.Count == 0 ? null : _messages[0].Sent;
        }

        _metrics.Put(Key("ApproximateNumberOfMessagesVisible"), now, attributes.ApproximateNumberOfMessages);
        _metrics.Put(Key("ApproximateNumberOfMessagesNotVisible"), now, attributes.ApproximateNumberOfMessagesNotVisible);
        _metrics.Put(Key("ApproximateAgeOfOldestMessage"), now, oldest is { } sent ? Math.Max(0, (now - sent).TotalSeconds) : 0);
    }

    public void Dispose()
    {
        _metricsTimer?.Dispose();
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    private List<QueueMessage> ReceiveLocked(int max, TimeSpan visibilityTimeout, DateTimeOffset now)
    {
        foreach (var expired in _messages.Where(m => now - m.Sent > MessageRetentionPeriod).ToList())
        {
            Remove(expired);
        }

        var received = new List<QueueMessage>();
        foreach (var entry in _messages)
        {
            if (received.Count == max)
            {
                break;
            }

            if (entry.VisibleAt > now)
            {
                continue;
            }

            entry.ReceiveCount++;
            entry.FirstReceived ??= now;
            entry.VisibleAt = now + visibilityTimeout;
            entry.ReceiptHandle = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{entry.Id}:{Guid.NewGuid():N}"));
            received.Add(new QueueMessage(entry.Id, entry.ReceiptHandle, entry.Body, entry.Md5, entry.Sent, entry.ReceiveCount, entry.FirstReceived.Value)
            {
                MessageAttributes = entry.Attributes,
            });
        }

        return received;
    }

    private static string MessageIdOf(string receiptHandle)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(receiptHandle ?? ""));
            var colon = text.LastIndexOf(':');
            if (colon > 0)
            {
                return text[..colon];
            }
        }
        catch (FormatException)
        {
        }

        throw new ReceiptHandleIsInvalidException($"The input receipt handle \"{receiptHandle}\" is not a valid receipt handle.");
    }

    private void Remove(Entry entry)
    {
        Append(Line("delete", entry));
        _messages.Remove(entry);
        _byId.Remove(entry.Id);
        Changed(_time.GetUtcNow());
        if (++_deletesSinceCompaction >= CompactAfterDeletes && _deletesSinceCompaction > _messages.Count)
        {
            _file.Dispose();
            _file = Rewrite();
        }
    }

    private void Changed(DateTimeOffset at)
    {
        _lastModified = at;
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private void Append(byte[] line)
    {
        _file.Write(line);
        // fsync: an acknowledged message survives a crash of the process or the machine.
        _file.Flush(flushToDisk: true);
    }

    private void Load(string path, DataFolderReport report)
    {
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var document in JournalFile.Read(path, report, "messages sent in them are lost, and messages deleted in them come back"))
        {
            using (document)
            {
                var root = document.RootElement;
                var id = root.GetProperty("id").GetString()!;
                if (root.GetProperty("op").GetString() == "send")
                {
                    var body = root.GetProperty("body").GetString()!;
                    var delay = root.TryGetProperty("delay", out var delayMs) ? TimeSpan.FromMilliseconds(delayMs.GetInt64()) : TimeSpan.Zero;
                    var entry = new Entry(id, body, Md5(body), DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("sent").GetInt64()), delay, ReadAttributes(root));
                    if (_byId.TryAdd(id, entry))
                    {
                        _messages.Add(entry);
                    }
                }
                else if (_byId.Remove(id, out var deleted))
                {
                    _messages.Remove(deleted);
                }
            }
        }
    }

    // Writes the live messages to a new file and moves it over the old one, so a crash leaves one or the other.
    private FileStream Rewrite()
    {
        var live = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var entry in _messages)
        {
            live.Write(Line("send", entry));
        }

        DurableFile.Replace(_path, live.WrittenSpan);
        _deletesSinceCompaction = 0;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    private static byte[] Line(string op, Entry entry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        JournalFile.Append(buffer, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("op", op);
            writer.WriteString("id", entry.Id);
            if (op == "send")
            {
                writer.WriteNumber("sent", entry.Sent.ToUnixTimeMilliseconds());
                writer.WriteString("body", entry.Body);
                if (entry.Delay > TimeSpan.Zero)
                {
                    writer.WriteNumber("delay", (long)entry.Delay.TotalMilliseconds);
                }

                if (entry.Attributes.Count > 0)
                {
                    writer.WriteStartObject("attributes");
                    foreach (var (name, value) in entry.Attributes)
                    {
                        writer.WriteStartObject(name);
                        writer.WriteString("type", value.DataType);
                        if (value.BinaryValue is { } binary)
                        {
                            writer.WriteBase64String("binary", binary);
                        }
                        else
                        {
                            writer.WriteString("string", value.StringValue);
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndObject();
        });
        return buffer.WrittenSpan.ToArray();
    }

    private static Dictionary<string, MessageAttributeValue> ReadAttributes(JsonElement line)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        if (line.TryGetProperty("attributes", out var stored))
        {
            foreach (var attribute in stored.EnumerateObject())
            {
                var value = attribute.Value;
                attributes[attribute.Name] = new MessageAttributeValue(
                    value.GetProperty("type").GetString()!,
                    value.TryGetProperty("string", out var text) ? text.GetString() : null,
                    value.TryGetProperty("binary", out var binary) ? binary.GetBytesFromBase64() : null);
            }
        }

        return attributes;
    }

#pragma warning disable CA5351 // SQS's MD5OfBody is a checksum the SDKs verify, not a security measure.
    private static string Md5(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351

    private MetricKey Key(string metric) => new("AWS/SQS", metric, [new("QueueName", QueueName)]);

    private void CountMetric(string metric, int count) => _metrics?.Put(Key(metric), _time.GetUtcNow(), count);

    private sealed class Entry(string id, string body, string md5, DateTimeOffset sent, TimeSpan delay, IReadOnlyDictionary<string, MessageAttributeValue> attributes)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public string Md5 { get; } = md5;

        public DateTimeOffset Sent { get; } = sent;

        public TimeSpan Delay { get; } = delay;

        public IReadOnlyDictionary<string, MessageAttributeValue> Attributes { get; } = attributes;

        /// <summary>Hidden until the delay has passed (SQS's message timer), then as visibility timeouts set it.</summary>
        public DateTimeOffset VisibleAt { get; set; } = delay > TimeSpan.Zero ? sent + delay : DateTimeOffset.MinValue;

        public int ReceiveCount { get; set; }

        public DateTimeOffset? FirstReceived { get; set; }

        public string? ReceiptHandle { get; set; }
    }
}
