using System.Globalization;

namespace Paywatch.Local.Streams;

/// <summary>
/// One shard's records on disk: append-only segment files (<c>00000000000000000001.seg</c>, ...) in the shard's folder.
/// Only the newest segment is written to; older ones are deleted whole once their newest record is past retention. The
/// newest is always kept, so the shard's last sequence number survives a restart even when every record has expired.
/// </summary>
internal sealed class ShardSegmentLog : IDisposable
{
    private const string Extension = ".seg";
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly List<(string Path, DateTimeOffset NewestArrival)> _closed = [];
    private FileStream? _active;
    private long _activeNumber;
    private DateTimeOffset _activeNewest = DateTimeOffset.MinValue;

    public ShardSegmentLog(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// Reads every segment in order and opens the newest for appending. A frame that is short or fails its checksum ends
    /// the log: it and anything after it were never acknowledged (an acknowledgement waits for the fsync of the whole
    /// batch), so the file is truncated there and later segments, which cannot exist after a torn write, are removed.
    /// </summary>
    public List<StoredRecord> Recover()
    {
        var records = new List<StoredRecord>();
        var segments = Directory.GetFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal).ToList();
        var torn = false;
        foreach (var path in segments)
        {
            if (torn)
            {
                File.Delete(path);
                continue;
            }

            var bytes = (ReadOnlyMemory<byte>)File.ReadAllBytes(path);
            var offset = 0;
            var newest = DateTimeOffset.MinValue;
            while (offset < bytes.Length)
            {
                if (!RecordFrame.TryRead(bytes[offset..], out var record, out var consumed))
                {
                    torn = true;
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                    file.SetLength(offset);
                    file.Flush(flushToDisk: true);
                    break;
                }

                records.Add(record!);
                newest = record!.ApproximateArrivalTimestamp;
                offset += consumed;
            }

            _closed.Add((path, newest));
            _activeNumber = long.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture);
        }

        if (_closed.Count > 0)
        {
            var (path, _) = _closed[^1];
            _activeNewest = _closed[^1].NewestArrival;
            _closed.RemoveAt(_closed.Count - 1);
            _active = Open(path);
        }
        else
        {
            StartSegment();
        }

        return records;
    }

    /// <summary>Writes whole frames to the active segment (not yet durable: see <see cref="Sync"/>).</summary>
    public void Append(ReadOnlySpan<byte> frames, DateTimeOffset newestArrival)
    {
        var active = _active ?? throw new InvalidOperationException("The log was not recovered.");
        if (active.Length >= _segmentBytes)
        {
            active.Flush(flushToDisk: true);
            _closed.Add((active.Name, _activeNewest));
            active.Dispose();
            StartSegment();
            active = _active!;
        }

        active.Write(frames);
        _activeNewest = newestArrival;
    }

    /// <summary>Makes everything appended durable: <c>fsync</c>.</summary>
    public void Sync() => _active?.Flush(flushToDisk: true);

    /// <summary>Deletes closed segments whose newest record arrived before <paramref name="cutoff"/>.</summary>
    public void DeleteSegmentsBefore(DateTimeOffset cutoff)
    {
        while (_closed.Count > 0 && _closed[0].NewestArrival < cutoff)
        {
            File.Delete(_closed[0].Path);
            _closed.RemoveAt(0);
        }
    }

    public void Dispose() => _active?.Dispose();

    private void StartSegment()
    {
        _activeNumber++;
        _active = Open(Path.Combine(_directory, _activeNumber.ToString("D20", CultureInfo.InvariantCulture) + Extension));
    }

    private static FileStream Open(string path)
    {
        // bufferSize 0: each batch is handed over whole, so FileStream's own buffer would only copy it again.
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }
}
