using System.Globalization;
using Paywatch.Core.Telemetry;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The function's log group in the twin (<c>/aws/lambda/{function}</c>): every line the processor writes, appended to
/// JSON-lines segment files in the data folder, and queried with the Logs Insights engine, unchanged saved queries
/// included. A segment covers at most <see cref="LogStoreOptions.SegmentDuration"/> and an eighth of the size cap;
/// segments past the retention or beyond the cap are deleted whole, oldest first, and a query reads only the segments
/// whose time overlaps its range.
/// </summary>
public sealed class LogStore : ILogWriter, IDisposable
{
    /// <summary>A segment's name is the time its first line was written: names sort as times do.</summary>
    private const string SegmentNameFormat = "yyyy-MM-dd'T'HH-mm-ss.fff'Z'";

    /// <summary>
    /// How long before its segment was opened a line's own time may be: the processor logs a batch's lines when the
    /// batch ends, and an invocation runs at most 15 minutes (Lambda's longest timeout).
    /// </summary>
    private static readonly TimeSpan LineLag = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly LogStoreOptions _options;
    private readonly List<Segment> _segments = [];
    private FileStream _file;
    private long _bytes;
    private long _lines;
    private long _ingestedBytes;

    /// <param name="folder">The data folder's logs directory; the segments go in a folder named after the log group.</param>
    /// <param name="logGroupName">The log group, e.g. <c>/aws/lambda/transaction-processor-local</c>.</param>
    /// <param name="time">The clock segments are opened and expired by.</param>
    /// <param name="options">Retention and size cap; the defaults when null.</param>
    public LogStore(string folder, string logGroupName, TimeProvider? time = null, LogStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        _time = time ?? TimeProvider.System;
        _options = options ?? new LogStoreOptions();
        LogGroupName = logGroupName;
        var name = logGroupName.Trim('/').Replace('/', '_');
        SegmentFolder = Path.Combine(folder, name);
        Directory.CreateDirectory(SegmentFolder);
        AdoptSingleFile(Path.Combine(folder, name + ".jsonl"));
        foreach (var path in Directory.EnumerateFiles(SegmentFolder, "*.jsonl"))
        {
            if (DateTimeOffset.TryParseExact(Path.GetFileNameWithoutExtension(path), SegmentNameFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
            {
                _segments.Add(new Segment(start, path, new FileInfo(path).Length));
            }
        }

        _segments.Sort((a, b) => a.Start.CompareTo(b.Start));
        _bytes = _segments.Sum(s => s.Bytes);
        var now = _time.GetUtcNow();
        _file = _segments.Count > 0 && !MustRoll(_segments[^1], now) ? Open(_segments[^1].Path) : OpenSegment(now);
        lock (_lock)
        {
            Trim(now);
        }
    }

    public string LogGroupName { get; }

    /// <summary>The folder of the log group's segment files (<c>{logs}/aws_lambda_{function}/</c>).</summary>
    public string SegmentFolder { get; }

    /// <summary>The segment being written now (one JSON document per line); earlier lines are in <see cref="SegmentPaths"/>.</summary>
    public string FilePath
    {
        get
        {
            lock (_lock)
            {
                return _segments[^1].Path;
            }
        }
    }

    /// <summary>Every segment kept, oldest first.</summary>
    public IReadOnlyList<string> SegmentPaths
    {
        get
        {
            lock (_lock)
            {
                return [.. _segments.Select(s => s.Path)];
            }
        }
    }

    /// <summary>The bytes the segments hold together.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes written since the store was opened, as CloudWatch Logs counts ingestion (retention does not take them back).</summary>
    public long IngestedBytes => Interlocked.Read(ref _ingestedBytes);

    /// <summary>Lines written since the store was opened.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (MustRoll(_segments[^1], now))
            {
                _file.Dispose();
                _file = OpenSegment(now);
            }

            _file.Write(utf8Lines);
            _file.Flush();
            _segments[^1].Bytes += utf8Lines.Length;
            Interlocked.Add(ref _bytes, utf8Lines.Length);
            Trim(now);
        }

        Interlocked.Add(ref _ingestedBytes, utf8Lines.Length);
        Interlocked.Add(ref _lines, utf8Lines.Count((byte)'\n'));
    }

    /// <summary>Runs a Logs Insights query over the log group between <paramref name="start"/> and <paramref name="end"/>.</summary>
    /// <exception cref="InvalidQueryException">The query is not valid Logs Insights.</exception>
    public QueryResult Query(string query, DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        var run = LogQuery.Parse(query).Start(new LogQueryOptions { StartTime = start, EndTime = end, Log = LogGroupName });
        foreach (var line in ReadLines(start, end))
        {
            run.Add(line);
        }

        return run.Finish();
    }

    /// <summary>
    /// The log group's lines, oldest first, as they were written: all of them (what the Logs API pages through), or
    /// those of the segments that may hold lines between <paramref name="start"/> and <paramref name="end"/>.
    /// </summary>
    public IEnumerable<string> ReadLines(DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        foreach (var path in SegmentsOverlapping(start, end))
        {
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                // Expired or capped away since the list was taken: its lines are gone, as the query would find them later.
                continue;
            }

            using var reader = new StreamReader(file);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    yield return line;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    /// <summary>
    /// The segments a query between <paramref name="start"/> and <paramref name="end"/> must read: a segment holds the
    /// lines written from its start to the next one's, and lines may be up to <see cref="LineLag"/> older than that.
    /// </summary>
    internal IReadOnlyList<string> SegmentsOverlapping(DateTimeOffset? start, DateTimeOffset? end)
    {
        lock (_lock)
        {
            Trim(_time.GetUtcNow());
            var paths = new List<string>();
            for (var i = 0; i < _segments.Count; i++)
            {
                var from = _segments[i].Start - LineLag;
                var until = i + 1 < _segments.Count ? _segments[i + 1].Start : DateTimeOffset.MaxValue;
                if ((end is null || from <= end) && (start is null || until >= start))
                {
                    paths.Add(_segments[i].Path);
                }
            }

            return paths;
        }
    }

    private bool MustRoll(Segment current, DateTimeOffset now) =>
        current.Bytes >= _options.MaxSegmentBytes || Period(now) != Period(current.Start);

    /// <summary>The segment-duration slot a time falls in (hours since the epoch, by default).</summary>
    private long Period(DateTimeOffset time) => time.UtcTicks / _options.SegmentDuration.Ticks;

    /// <summary>Drops, oldest first, the segments wholly past the retention, then those beyond the size cap; never the one being written.</summary>
    private void Trim(DateTimeOffset now)
    {
        // A segment's lines were all written before the next segment started.
        while (_segments.Count > 1 && (_segments[1].Start <= now - _options.Retention || Interlocked.Read(ref _bytes) > _options.MaxBytes))
        {
            var oldest = _segments[0];
            _segments.RemoveAt(0);
            Interlocked.Add(ref _bytes, -oldest.Bytes);
            try
            {
                File.Delete(oldest.Path);
            }
            catch (IOException)
            {
                // Held open elsewhere (a query on Windows): forgotten here, deleted at the next start.
            }
        }
    }

    private FileStream OpenSegment(DateTimeOffset now)
    {
        var path = Path.Combine(SegmentFolder, now.UtcDateTime.ToString(SegmentNameFormat, CultureInfo.InvariantCulture) + ".jsonl");
        if (_segments.Count == 0 || _segments[^1].Path != path)
        {
            _segments.Add(new Segment(now, path, 0));
        }

        return Open(path);
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);

    /// <summary>The single file earlier twins appended to becomes the oldest segment, kept until it expires or is capped away.</summary>
    private void AdoptSingleFile(string path)
    {
        if (File.Exists(path))
        {
            File.Move(path, Path.Combine(SegmentFolder, DateTimeOffset.UnixEpoch.UtcDateTime.ToString(SegmentNameFormat, CultureInfo.InvariantCulture) + ".jsonl"), overwrite: false);
        }
    }

    /// <summary>One segment file; its size is counted as it is written, not asked of the file system.</summary>
    private sealed class Segment(DateTimeOffset start, string path, long bytes)
    {
        public DateTimeOffset Start { get; } = start;

        public string Path { get; } = path;

        public long Bytes { get; set; } = bytes;
    }
}
