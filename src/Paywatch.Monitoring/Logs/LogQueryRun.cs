using System.Buffers;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// One run of a query over a stream of log lines. Each line is read once, into a reused row; nothing is kept per
/// line except what stats, sort or the result need. Not thread-safe: one run, one thread.
/// </summary>
public sealed class LogQueryRun
{
    private readonly LogEventReader _reader;
    private readonly PipelineStage _first;
    private readonly CollectStage _result;
    private readonly List<FieldName> _columns;
    private readonly LogValue[] _row;
    private readonly double _defaultTime;
    private readonly double _start;
    private readonly double _end;
    private readonly LogValue _log;
    private readonly LogValue _logStream;
    private bool _finished;

    internal LogQueryRun(LogEventReader reader, (PipelineStage First, CollectStage Last) pipeline, int width, List<FieldName> columns, LogQueryOptions options)
    {
        _reader = reader;
        (_first, _result) = pipeline;
        _columns = columns;
        _row = new LogValue[width];
        _defaultTime = (options.DefaultTime ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        _start = options.StartTime?.ToUnixTimeMilliseconds() ?? double.NegativeInfinity;
        _end = options.EndTime?.ToUnixTimeMilliseconds() ?? double.PositiveInfinity;
        _log = LogValue.FromString(options.Log);
        _logStream = LogValue.FromString(options.LogStream);
    }

    /// <summary>Lines read so far, including those outside the time range.</summary>
    public long RecordsScanned { get; private set; }

    /// <summary>Reads one log line (UTF-8, without its line break).</summary>
    /// <param name="line">The line.</param>
    /// <param name="time">Its <c>@timestamp</c> if it carries no <c>time</c> field; the options' default otherwise.</param>
    public void Add(ReadOnlySpan<byte> line, DateTimeOffset? time = null)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        RecordsScanned++;
        Array.Clear(_row);
        _reader.Read(line, time?.ToUnixTimeMilliseconds() ?? _defaultTime, _row);
        var timestamp = _row[FieldTable.TimestampSlot].Number;
        if (timestamp < _start || timestamp >= _end)
        {
            return;
        }

        _row[FieldTable.LogSlot] = _log;
        _row[FieldTable.LogStreamSlot] = _logStream;
        _first.Push(_row);
    }

    /// <summary>Reads one log line of text.</summary>
    public void Add(string line, DateTimeOffset? time = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(line.Length));
        try
        {
            Add(buffer.AsSpan(0, Encoding.UTF8.GetBytes(line, buffer)), time);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Ends the input and returns the result.</summary>
    public QueryResult Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        _first.Complete();
        var rows = _result.Rows.Select(row => (IReadOnlyList<LogValue>)[.. _columns.Select(c => row[c.Slot])]).ToList();
        return new QueryResult([.. _columns.Select(c => c.Name)], rows, RecordsScanned);
    }
}
