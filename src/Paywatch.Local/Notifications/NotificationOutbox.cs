using System.Buffers;
using System.Text.Json;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Notifications;

/// <summary>
/// The topic's durable outbox: a journal (<see cref="JournalFile"/>: framed JSON records) in the data folder holding every notification until each subscription
/// has had it. A published notification is written and fsynced before <see cref="WhenDurableAsync"/> completes (the bus
/// acknowledges PutEvents only then); the data folder's group commit (<see cref="GroupCommit{T}"/>, as the stream's
/// shards use) writes whatever was staged meanwhile with one fsync. Each delivery adds a record: <c>try</c> before the attempt, <c>done</c> after it
/// succeeded or the policy gave up, <c>fail</c> after a failed attempt; these reach the operating system before the
/// next step (so a killed process never loses them) but are not fsynced (a power cut can only repeat deliveries).
/// Reopening delivers again what some subscription has not had, and counts the <c>try</c>s without an outcome as
/// possible duplicates. The file is rewritten with only the undelivered notifications when it is opened and whenever
/// it has grown past <see cref="CompactBytes"/> and is mostly delivered.
/// </summary>
/// <remarks>
/// Records: <c>{"op":"run","subs":[keys]}</c> names the subscriptions (<c>protocol:endpoint</c>) the records after it
/// index; <c>{"op":"pub","seq":n,"id":..,"time":ms,"subject":..,"origin":..,"message":..}</c>;
/// <c>{"op":"try"|"done"|"fail","sub":i,"seq":n}</c>. Opening reads it by the data folder's rule: a torn tail is cut,
/// a damaged record skipped (never the records after it), and each repair reported.
/// </remarks>
public sealed class NotificationOutbox : IDisposable
{
    public const string FileName = "outbox.journal";

    /// <summary>The outbox of earlier releases (JSON lines), read once and replaced by <see cref="FileName"/>.</summary>
    private const string LegacyFileName = "outbox.jsonl";

    private readonly string _path;
    private readonly string[] _keys;
    private readonly ulong _allSubscriptions;
    private readonly Lock _lock = new();
    private readonly Lock _fileLock = new();
    private readonly Dictionary<long, OutboxEntry> _live = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly GroupCommit<OutboxEntry> _groupCommit;
    private Action<IReadOnlyList<OutboxEntry>> _onDurable = _ => { };
    private FileStream _file;
    private long _fileBytes;
    private long _liveBytes;
    private long _lastSequence;
    private bool _closing;

    private NotificationOutbox(string directory, IReadOnlyList<string> subscriptionKeys, long compactBytes, DataFolderReport report)
    {
        if (subscriptionKeys.Count > 64)
        {
            throw new ArgumentException("An outbox tracks at most 64 subscriptions.", nameof(subscriptionKeys));
        }

        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _keys = [.. subscriptionKeys];
        _allSubscriptions = _keys.Length == 64 ? ulong.MaxValue : (1UL << _keys.Length) - 1;
        CompactBytes = compactBytes;
        var legacy = Path.Combine(directory, LegacyFileName);
        var source = !File.Exists(_path) && File.Exists(legacy) ? legacy : _path;
        Recovered = Load(source, report, out var recovered);
        Pending = recovered;
        _file = Rewrite();
        if (source == legacy)
        {
            File.Delete(legacy);
        }

        _groupCommit = new GroupCommit<OutboxEntry>("notification outbox group commit", Write, Committed);
    }

    /// <summary>The file grows to at least this before delivered notifications are cut out of it.</summary>
    public long CompactBytes { get; }

    /// <summary>What opening found (nothing for a new folder).</summary>
    public OutboxRecovery Recovered { get; }

    /// <summary>The notifications found undelivered on opening, oldest first, to deliver again.</summary>
    public IReadOnlyList<OutboxEntry> Pending { get; }

    /// <summary>The outbox file's size now.</summary>
    public long FileBytes => Interlocked.Read(ref _fileBytes);

    /// <summary>Opens (or creates) the outbox in <paramref name="directory"/> for these subscriptions, by key.</summary>
    /// <param name="report">Where repairs of the file are reported; null to drop them.</param>
    /// <exception cref="DataFolderException">The outbox is of a newer format version.</exception>
    public static NotificationOutbox Open(string directory, IReadOnlyList<string> subscriptionKeys, long compactBytes = 4 * 1024 * 1024, DataFolderReport? report = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(subscriptionKeys);
        return new NotificationOutbox(directory, subscriptionKeys, compactBytes, report ?? new DataFolderReport());
    }

    /// <summary>Starts the group commit; <paramref name="onDurable"/> gets each group, in order, once it is on disk.</summary>
    internal void Start(Action<IReadOnlyList<OutboxEntry>> onDurable)
    {
        _onDurable = onDurable;
        _groupCommit.Start();
    }

    /// <summary>Adds a notification to the next group commit; null once the outbox is closed.</summary>
    internal OutboxEntry? Stage(TopicNotification notification)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return null;
            }

            var entry = new OutboxEntry(++_lastSequence, notification, _allSubscriptions);
            // Its task faults if the write fails; publishers learn it from WhenDurableAsync.
            _ = _groupCommit.Stage(entry);
            return entry;
        }
    }

    /// <summary>Completes once everything staged before the call is on disk; faults if it could not be written.</summary>
    public Task WhenDurableAsync() => _groupCommit.WhenDurable();

    /// <summary>Records that subscription <paramref name="subscription"/> starts an attempt at the entry.</summary>
    internal void MarkTried(int subscription, OutboxEntry entry)
    {
        lock (_lock)
        {
            entry.Tried |= 1UL << subscription;
        }

        Mark("try", subscription, entry.Sequence);
    }

    /// <summary>Records a failed attempt: nothing reached the endpoint, so redelivering it later is no duplicate.</summary>
    internal void MarkFailed(int subscription, OutboxEntry entry)
    {
        lock (_lock)
        {
            entry.Tried &= ~(1UL << subscription);
        }

        Mark("fail", subscription, entry.Sequence);
    }

    /// <summary>Records that the subscription has had the entry (delivered, or given up by its policy).</summary>
    internal void MarkDone(int subscription, OutboxEntry entry)
    {
        lock (_lock)
        {
            var bit = 1UL << subscription;
            entry.Tried &= ~bit;
            entry.Pending &= ~bit;
            if (entry.Pending == 0 && _live.Remove(entry.Sequence))
            {
                _liveBytes -= entry.Bytes;
            }
        }

        Mark("done", subscription, entry.Sequence);
    }

    /// <summary>
    /// Takes no more notifications, writes what is staged and hands it to the subscriptions, then stops the group commit.
    /// Delivery marks are still recorded until <see cref="Dispose"/>: the topic stops its deliveries in between.
    /// </summary>
    public void StopStaging()
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        _groupCommit.Complete();
        _groupCommit.Stopped.GetAwaiter().GetResult();
    }

    /// <summary>Stops staging (<see cref="StopStaging"/>) and closes the file; undelivered notifications stay in it.</summary>
    public void Dispose()
    {
        StopStaging();
        lock (_fileLock)
        {
            _file.Dispose();
        }

        _groupCommit.Dispose();
    }

    /// <summary>Makes a durable group deliverable (the group commit's thread).</summary>
    private void Committed(IReadOnlyList<OutboxEntry> group)
    {
        lock (_lock)
        {
            foreach (var entry in group.Where(e => e.Pending != 0))
            {
                _live.Add(entry.Sequence, entry);
                _liveBytes += entry.Bytes;
            }
        }

        _onDurable(group);
        CompactIfWorthIt();
    }

    /// <summary>Writes a group and fsyncs it (the group commit's thread); an IOException fails it and every later one.</summary>
    private void Write(IReadOnlyList<OutboxEntry> group)
    {
        _buffer.ResetWrittenCount();
        foreach (var entry in group)
        {
            var before = _buffer.WrittenCount;
            WritePublished(_buffer, entry);
            entry.Bytes = _buffer.WrittenCount - before;
        }

        lock (_fileLock)
        {
            _file.Write(_buffer.WrittenSpan);
            // fsync once for the whole group: an acknowledged PutEvents never loses its notification, even to a power cut.
            _file.Flush(flushToDisk: true);
            _fileBytes += _buffer.WrittenCount;
        }
    }

    private void Mark(string op, int subscription, long sequence)
    {
        var line = new ArrayBufferWriter<byte>(64);
        WriteMark(line, op, subscription, sequence);
        lock (_fileLock)
        {
            if (_groupCommit.Failure is not null || !_file.CanWrite)
            {
                return; // Closed or failed: the notification stays undelivered in the file and is delivered again.
            }

            _file.Write(line.WrittenSpan);
            _fileBytes += line.WrittenCount;
        }
    }

    private void CompactIfWorthIt()
    {
        lock (_fileLock)
        {
            long live;
            lock (_lock)
            {
                live = _liveBytes;
            }

            if (_fileBytes < CompactBytes || _fileBytes < 2 * live)
            {
                return;
            }

            _file.Dispose();
            _file = Rewrite();
        }
    }

    // Writes the undelivered notifications to a new file and moves it over the old one, so a crash leaves one or the other.
    private FileStream Rewrite()
    {
        var lines = new ArrayBufferWriter<byte>(64 * 1024);
        lock (_lock)
        {
            WriteRun(lines);
            var marks = new List<(string Op, int Subscription, long Sequence)>();
            foreach (var entry in _live.Values.OrderBy(e => e.Sequence))
            {
                WritePublished(lines, entry);
                for (var i = 0; i < _keys.Length; i++)
                {
                    var bit = 1UL << i;
                    if ((entry.Pending & bit) == 0)
                    {
                        marks.Add(("done", i, entry.Sequence));
                    }
                    else if ((entry.Tried & bit) != 0)
                    {
                        marks.Add(("try", i, entry.Sequence));
                    }
                }
            }

            foreach (var (op, subscription, sequence) in marks)
            {
                WriteMark(lines, op, subscription, sequence);
            }
        }

        DurableFile.Replace(_path, lines.WrittenSpan);
        _fileBytes = lines.WrittenCount;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    private static void WriteMark(ArrayBufferWriter<byte> output, string op, int subscription, long sequence) =>
        JournalFile.Append(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("op", op);
            writer.WriteNumber("sub", subscription);
            writer.WriteNumber("seq", sequence);
            writer.WriteEndObject();
        });

    private void WriteRun(ArrayBufferWriter<byte> output) =>
        JournalFile.Append(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("op", "run");
            writer.WriteStartArray("subs");
            foreach (var key in _keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    private static void WritePublished(ArrayBufferWriter<byte> output, OutboxEntry entry)
    {
        var notification = entry.Notification;
        JournalFile.Append(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("op", "pub");
            writer.WriteNumber("seq", entry.Sequence);
            writer.WriteString("id", notification.MessageId);
            writer.WriteNumber("time", notification.Timestamp.ToUnixTimeMilliseconds());
            if (notification.Subject is not null)
            {
                writer.WriteString("subject", notification.Subject);
            }

            if (notification.Origin is not null)
            {
                writer.WriteString("origin", notification.Origin);
            }

            writer.WriteString("message", notification.Message);
            writer.WriteEndObject();
        });
    }

    private OutboxRecovery Load(string path, DataFolderReport report, out List<OutboxEntry> pending)
    {
        pending = [];
        if (!File.Exists(path))
        {
            return OutboxRecovery.None;
        }

        // By sequence: the keys still to deliver to and those with an attempt under way.
        var found = new Dictionary<long, (TopicNotification Notification, HashSet<string> Pending, HashSet<string> Tried)>();
        string[] run = [];
        foreach (var document in JournalFile.Read(path, report, "notifications published in them are lost, deliveries recorded in them are made again"))
        {
            using (document)
            {
                var root = document.RootElement;
                var op = root.GetProperty("op").GetString();
                if (op == "run")
                {
                    run = [.. root.GetProperty("subs").EnumerateArray().Select(k => k.GetString()!)];
                    continue;
                }

                var sequence = root.GetProperty("seq").GetInt64();
                _lastSequence = Math.Max(_lastSequence, sequence);
                if (op == "pub")
                {
                    found[sequence] = (ReadNotification(root), [.. run], []);
                    continue;
                }

                var subscription = root.GetProperty("sub").GetInt32();
                if (subscription >= run.Length || !found.TryGetValue(sequence, out var entry))
                {
                    continue;
                }

                var key = run[subscription];
                switch (op)
                {
                    case "try":
                        entry.Tried.Add(key);
                        break;
                    case "fail":
                        entry.Tried.Remove(key);
                        break;
                    default:
                        entry.Pending.Remove(key);
                        entry.Tried.Remove(key);
                        break;
                }
            }
        }

        var duplicates = _keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var unsubscribed = 0;
        foreach (var (sequence, (notification, keys, tried)) in found.OrderBy(p => p.Key))
        {
            var mask = 0UL;
            var triedMask = 0UL;
            foreach (var key in keys)
            {
                var index = Array.IndexOf(_keys, key);
                if (index < 0)
                {
                    unsubscribed++;
                    continue;
                }

                mask |= 1UL << index;
                if (tried.Contains(key))
                {
                    triedMask |= 1UL << index;
                    duplicates[key]++;
                }
            }

            if (mask != 0)
            {
                var entry = new OutboxEntry(sequence, notification, mask) { Tried = triedMask };
                pending.Add(entry);
            }
        }

        foreach (var entry in pending)
        {
            _live.Add(entry.Sequence, entry);
        }

        // The rewrite computes each line's length; the sum starts from there.
        _liveBytes = 0;
        foreach (var entry in pending)
        {
            var measure = new ArrayBufferWriter<byte>();
            WritePublished(measure, entry);
            entry.Bytes = measure.WrittenCount;
            _liveBytes += entry.Bytes;
        }

        return new OutboxRecovery(pending.Count, duplicates, unsubscribed);
    }

    private static TopicNotification ReadNotification(JsonElement root) => new(
        root.GetProperty("id").GetString()!,
        "",
        root.TryGetProperty("subject", out var subject) ? subject.GetString() : null,
        root.GetProperty("message").GetString()!,
        DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("time").GetInt64()),
        "1",
        "",
        "",
        "")
    {
        Origin = root.TryGetProperty("origin", out var origin) ? origin.GetString() : null,
    };
}
