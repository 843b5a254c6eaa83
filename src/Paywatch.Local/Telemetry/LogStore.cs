using Paywatch.Core.Telemetry;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The function's log group in the twin (<c>/aws/lambda/{function}</c>): every line the processor writes, appended to
/// a JSON-lines file in the data folder, and queried with the Logs Insights engine, unchanged saved queries included.
/// </summary>
public sealed class LogStore : ILogWriter, IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _lock = new();
    private long _lines;

    /// <param name="folder">The data folder's logs directory.</param>
    /// <param name="logGroupName">The log group, e.g. <c>/aws/lambda/transaction-processor-local</c>.</param>
    public LogStore(string folder, string logGroupName)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        Directory.CreateDirectory(folder);
        LogGroupName = logGroupName;
        FilePath = Path.Combine(folder, logGroupName.Trim('/').Replace('/', '_') + ".jsonl");
        _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
    }

    public string LogGroupName { get; }

    /// <summary>The file the lines are appended to (one JSON document per line).</summary>
    public string FilePath { get; }

    /// <summary>Lines written since the store was opened.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
        lock (_lock)
        {
            _file.Write(utf8Lines);
            _file.Flush();
        }

        Interlocked.Add(ref _lines, utf8Lines.Count((byte)'\n'));
    }

    /// <summary>Runs a Logs Insights query over the log group between <paramref name="start"/> and <paramref name="end"/>.</summary>
    /// <exception cref="InvalidQueryException">The query is not valid Logs Insights.</exception>
    public QueryResult Query(string query, DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        var run = LogQuery.Parse(query).Start(new LogQueryOptions { StartTime = start, EndTime = end, Log = LogGroupName });
        using var reader = new StreamReader(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                run.Add(line);
            }
        }

        return run.Finish();
    }

    /// <summary>Every line of the log group, oldest first, read as the lines are written: what the Logs API pages through.</summary>
    public IEnumerable<string> ReadLines()
    {
        using var reader = new StreamReader(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
