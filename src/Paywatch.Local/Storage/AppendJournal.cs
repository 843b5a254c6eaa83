using System.Buffers;
using System.Text.Json;

namespace Paywatch.Local.Storage;

/// <summary>
/// A journal of framed JSON records (<see cref="JournalFile"/>) that one writer appends to in groups, a group at a
/// time with one fsync, and rewrites whole to compact it (<see cref="DurableFile.Replace"/>): the telemetry stores'
/// files, saved every few seconds rather than per datapoint or span. Not thread-safe: its owner serialises the calls.
/// </summary>
internal sealed class AppendJournal(string path, bool flushToDisk) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private FileStream? _file;

    public string Path { get; } = path;

    /// <summary>The file's length: what was written or rewritten since it was opened.</summary>
    public long Length => _file?.Length ?? (File.Exists(Path) ? new FileInfo(Path).Length : 0);

    /// <summary>Replaces the file with <paramref name="records"/>, atomically and durably.</summary>
    public void Rewrite<T>(IEnumerable<T> records, Action<Utf8JsonWriter, T> write)
    {
        Close();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        DurableFile.Replace(Path, Frame(records, write).WrittenSpan, flushToDisk);
        _buffer.Clear();
    }

    /// <summary>Appends <paramref name="records"/> with one write and one fsync.</summary>
    /// <returns>The bytes appended.</returns>
    public int Append<T>(IEnumerable<T> records, Action<Utf8JsonWriter, T> write)
    {
        var frames = Frame(records, write);
        if (frames.WrittenCount == 0)
        {
            return 0;
        }

        if (_file is null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }

        _file.Write(frames.WrittenSpan);
        _file.Flush(flushToDisk);
        var written = frames.WrittenCount;
        _buffer.Clear();
        return written;
    }

    /// <summary>Renames the file to <paramref name="destination"/> (replacing it); the next append starts a new file.</summary>
    public void MoveTo(string destination)
    {
        Close();
        if (File.Exists(Path))
        {
            File.Move(Path, destination, overwrite: true);
            if (flushToDisk)
            {
                DurableFile.SyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            }
        }
    }

    public void Dispose() => Close();

    private ArrayBufferWriter<byte> Frame<T>(IEnumerable<T> records, Action<Utf8JsonWriter, T> write)
    {
        _buffer.ResetWrittenCount();
        foreach (var record in records)
        {
            JournalFile.Append(_buffer, writer => write(writer, record));
        }

        return _buffer;
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }
}
