using System.Globalization;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// One shard's records on disk: append-only segment files (<c>00000000000000000001.seg</c>, ...) in the shard's folder.
/// Only the newest segment is written to; older ones are deleted whole once their newest record is past retention. The
/// newest is always kept, so the shard's last sequence number survives a restart even when every record has expired.
/// Records no longer held in memory are read back from here (<see cref="Read"/>).
/// </summary>
internal sealed class ShardSegmentLog : IDisposable
{
    private const string Extension = ".seg";
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly List<ShardSegment> _segments = [];
    private readonly Lock _lock = new();
    private FileStream? _active;

    public ShardSegmentLog(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(directory);
    }

    public string HighWaterMarkPath => Path.Combine(_directory, ShardHighWaterMark.FileName);

    /// <summary>The high-water mark found on recovery; null for a new shard, a folder of an earlier release, or a damaged one.</summary>
    public ShardHighWaterMark? RecoveredHighWaterMark { get; private set; }

    /// <summary>The highest sequence number reserved so far (none at or below it may be assigned again).</summary>
    public UInt128 Reserved { get; private set; }

    /// <summary>
    /// Reads every segment in order and opens the newest for appending, by rule: damaged bytes in the middle of a segment
    /// are skipped up to the next whole record, bytes after a segment's last whole record are cut, each segment on its
    /// own (a damaged segment never costs the segments after it), and a file of an earlier release is upgraded. Every
    /// repair is reported.
    /// </summary>
    /// <param name="keep">Called with every record recovered, oldest first.</param>
    public void Recover(Action<StoredRecord> keep, DataFolderReport report)
    {
        RecoveredHighWaterMark = ShardHighWaterMark.Load(_directory, out var damagedMark);
        if (damagedMark)
        {
            report.Add(Path.Combine(_directory, ShardHighWaterMark.FileName), "damaged; sequence numbers continue above the last record found and the checkpoints");
        }

        var paths = Directory.GetFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal).ToList();
        foreach (var path in paths)
        {
            var segment = new ShardSegment(path, long.Parse(System.IO.Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture));
            var recovered = ShardSegmentRecovery.Recover(path, report, out var length);
            foreach (var (record, offset) in recovered)
            {
                segment.Add(record, offset);
                keep(record);
            }

            segment.Length = length;
            _segments.Add(segment);
        }

        if (RecoveredHighWaterMark is { } mark && (_segments.Count == 0 || _segments[^1].Number < mark.NewestSegment))
        {
            var newest = _segments.Count == 0 ? 0 : _segments[^1].Number;
            report.Add(
                Path.Combine(_directory, mark.NewestSegment.ToString("D20", CultureInfo.InvariantCulture) + Extension),
                $"missing (the newest segment file was {mark.NewestSegment}, the newest found is {newest}): the records it held are lost; sequence numbers continue above {mark.Reserved}");
        }

        if (_segments.Count > 0)
        {
            _active = Open(_segments[^1].Path);
        }
        else
        {
            StartSegment(Math.Max(1, (RecoveredHighWaterMark?.NewestSegment ?? 0) + 1));
        }
    }

    /// <summary>Reserves sequence numbers up to <paramref name="reserved"/>: durable before any of them is acknowledged.</summary>
    public void Reserve(UInt128 reserved)
    {
        Reserved = reserved;
        SaveHighWaterMark(clean: false);
    }

    /// <summary>Records a clean stop: <paramref name="last"/> is exactly the last sequence number assigned.</summary>
    public void CloseCleanly(UInt128 last)
    {
        Reserved = last;
        SaveHighWaterMark(clean: true);
    }

    /// <summary>Writes whole frames to the active segment (not yet durable: see <see cref="Sync"/>).</summary>
    /// <param name="frames">The frames of <paramref name="records"/>, in order.</param>
    public void Append(ReadOnlySpan<byte> frames, IEnumerable<(StoredRecord Record, int Size)> records)
    {
        var active = _active ?? throw new InvalidOperationException("The log was not recovered.");
        ShardSegment segment;
        lock (_lock)
        {
            segment = _segments[^1];
        }

        if (active.Length >= _segmentBytes)
        {
            active.Flush(flushToDisk: true);
            active.Dispose();
            StartSegment(segment.Number + 1);
            active = _active!;
            lock (_lock)
            {
                segment = _segments[^1];
            }
        }

        var offset = active.Length;
        active.Write(frames);
        lock (_lock)
        {
            foreach (var (record, size) in records)
            {
                segment.Add(record, offset);
                offset += size;
            }

            segment.Length = offset;
        }
    }

    /// <summary>Makes everything appended durable: <c>fsync</c>.</summary>
    public void Sync() => _active?.Flush(flushToDisk: true);

    /// <summary>Deletes closed segments whose newest record arrived before <paramref name="cutoff"/>.</summary>
    public void DeleteSegmentsBefore(DateTimeOffset cutoff)
    {
        while (true)
        {
            string path;
            lock (_lock)
            {
                if (_segments.Count < 2 || _segments[0].NewestArrival >= cutoff)
                {
                    return;
                }

                path = _segments[0].Path;
                _segments.RemoveAt(0);
            }

            File.Delete(path);
        }
    }

    /// <summary>The bytes of every segment file.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _segments.Sum(s => s.Length);
            }
        }
    }

    /// <summary>
    /// Deletes the oldest closed segments while the shard's segment files hold more than <paramref name="maxBytes"/>
    /// (the newest is always kept), but none holding a record after <paramref name="deletableThrough"/>'s answer (asked
    /// only when the files are over the cap: it may take the consumer's lock).
    /// </summary>
    /// <returns>The last sequence number deleted, and how many records went; null when none did.</returns>
    public (UInt128 LastDeleted, long Records)? DeleteSegmentsOver(long maxBytes, Func<UInt128> deletableThrough)
    {
        (UInt128 LastDeleted, long Records)? deleted = null;
        UInt128? limit = null;
        while (true)
        {
            ShardSegment oldest;
            lock (_lock)
            {
                if (_segments.Count < 2 || _segments.Sum(s => s.Length) <= maxBytes || _segments[0].LastSequenceNumber > (limit ??= deletableThrough()))
                {
                    return deleted;
                }

                oldest = _segments[0];
                _segments.RemoveAt(0);
            }

            File.Delete(oldest.Path);
            if (oldest.LastSequenceNumber is { } last)
            {
                deleted = (last, (deleted?.Records ?? 0) + oldest.Records);
            }
        }
    }

    /// <summary>
    /// Records after <paramref name="after"/> from the first segment that has any, read from disk: at most
    /// <paramref name="maxRecords"/> and about <paramref name="maxBytes"/>, none that arrived before <paramref name="cutoff"/>.
    /// </summary>
    public List<StoredRecord> Read(UInt128? after, int maxRecords, int maxBytes, DateTimeOffset cutoff)
    {
        var result = new List<StoredRecord>();
        while (result.Count == 0)
        {
            string path;
            long start, length;
            lock (_lock)
            {
                var segment = _segments.FirstOrDefault(s => s.LastSequenceNumber is { } last && (after is null || last > after) && s.NewestArrival >= cutoff);
                if (segment is null)
                {
                    return result;
                }

                (path, start, length) = (segment.Path, segment.StartOffset(after), segment.Length);
                after ??= segment.Sparse[0].SequenceNumber - 1;
            }

            if (!ReadSegment(path, start, length, after.Value, maxRecords, maxBytes, cutoff, result, out var lastSeen))
            {
                // Deleted by retention meanwhile: its records are gone, look again.
                continue;
            }

            if (lastSeen <= after)
            {
                return result;
            }

            after = lastSeen;
        }

        return result;
    }

    public void Dispose() => _active?.Dispose();

    private static bool ReadSegment(string path, long start, long length, UInt128 after, int maxRecords, int maxBytes, DateTimeOffset cutoff, List<StoredRecord> result, out UInt128 lastSeen)
    {
        lastSeen = after;
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        using (file)
        {
            var buffer = new byte[Math.Min(length - start, Math.Max(maxBytes, 1024 * 1024) + (2 * 1024 * 1024))];
            long bytes = 0;
            var position = start;
            while (position < length && result.Count < maxRecords && bytes < maxBytes)
            {
                var read = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - position)), position);
                var chunk = new ReadOnlyMemory<byte>(buffer, 0, read);
                var offset = 0;
                while (offset < read && RecordFrame.TryRead(chunk[offset..], out var record, out var consumed))
                {
                    offset += consumed;
                    lastSeen = record!.SequenceNumber;
                    if (record.SequenceNumber <= after || record.ApproximateArrivalTimestamp < cutoff)
                    {
                        continue;
                    }

                    if (result.Count > 0 && bytes + record.Data.Length > maxBytes)
                    {
                        return true;
                    }

                    // The chunk's buffer is reused: the record keeps a copy of its data.
                    result.Add(record with { Data = record.Data.ToArray() });
                    bytes += record.Data.Length;
                    if (result.Count == maxRecords)
                    {
                        return true;
                    }
                }

                if (offset == 0)
                {
                    if (buffer.Length >= length - position)
                    {
                        return true;
                    }

                    // A frame larger than the buffer.
                    buffer = new byte[buffer.Length * 2];
                }

                position += offset;
            }

            return true;
        }
    }

    private void StartSegment(long number)
    {
        var path = Path.Combine(_directory, number.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        _active = Open(path);
        lock (_lock)
        {
            _segments.Add(new ShardSegment(path, number));
        }

        // The new file's name is durable before a record in it is acknowledged, so a deleted newest segment is noticed.
        DurableFile.SyncDirectory(_directory);
        SaveHighWaterMark(clean: false);
    }

    private void SaveHighWaterMark(bool clean)
    {
        long newest;
        lock (_lock)
        {
            newest = _segments.Count == 0 ? 0 : _segments[^1].Number;
        }

        new ShardHighWaterMark(Reserved, newest, clean).Save(_directory);
    }

    private static FileStream Open(string path)
    {
        // bufferSize 0: each batch is handed over whole, so FileStream's own buffer would only copy it again.
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }
}
