using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// Reads one segment file back by the data folder's recovery rule and leaves it whole: a file of an earlier release is
/// rewritten in the current framing; damaged bytes in the middle are skipped to the next whole record; bytes after the
/// last whole record are cut; a damaged file is rewritten with its whole records only (atomically). Each repair is
/// reported with the sequence numbers around it.
/// </summary>
internal static class ShardSegmentRecovery
{
    /// <returns>The records kept, oldest first, each with its offset in the file as it now is.</returns>
    public static List<(StoredRecord Record, long Offset)> Recover(string path, DataFolderReport report, out long length)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 0 && !RecordFraming.StartsWithMagic(bytes) && LegacyRecordFrame.TryRead(bytes, out _, out _))
        {
            return Upgrade(path, bytes, report, out length);
        }

        var scan = FramedScan.Of(bytes);
        if (scan.NewerVersion is { } newer)
        {
            throw DataFolderException.NewerVersion(path, newer);
        }

        var records = new List<StoredRecord>(scan.Records.Count);
        var undecodable = 0;
        foreach (var (_, payload) in scan.Records)
        {
            if (RecordFrame.TryDecode(payload, out var record))
            {
                records.Add(record!);
            }
            else
            {
                undecodable++;
            }
        }

        if (scan.IsClean && undecodable == 0)
        {
            length = bytes.Length;
            return [.. records.Zip(scan.Records, (r, s) => (r, (long)s.Offset))];
        }

        var kept = Rewrite(path, records, out length);
        var found = new List<string>();
        if (scan.Damaged.Count > 0)
        {
            found.Add($"{scan.DamagedBytes:N0} damaged bytes in {scan.Damaged.Count} place(s) skipped ({Around(records, scan)})");
        }

        if (scan.TailBytes > 0)
        {
            found.Add($"{scan.TailBytes:N0} bytes after the last whole record cut (a write torn by a crash, or damage to the end; the last record kept is {(records.Count > 0 ? records[^1].SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")})");
        }

        if (undecodable > 0)
        {
            found.Add($"{undecodable} record(s) that are not stream records skipped");
        }

        report.Add(path, $"{string.Join("; ", found)}; {records.Count:N0} records kept, file rewritten with them");
        return kept;
    }

    private static string Around(List<StoredRecord> records, FramedScan scan)
    {
        // Each damaged range sits between two whole records: the sequence numbers either side bound what it held.
        var ranges = new List<string>();
        foreach (var (offset, _) in scan.Damaged)
        {
            var before = scan.Records.Count(r => r.Offset < offset);
            var after = before < records.Count ? records[before].SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "the end";
            var from = before > 0 ? records[before - 1].SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "the start";
            ranges.Add($"between {from} and {after}");
        }

        return string.Join(", ", ranges);
    }

    private static List<(StoredRecord Record, long Offset)> Upgrade(string path, byte[] bytes, DataFolderReport report, out long length)
    {
        var records = new List<StoredRecord>();
        var memory = (ReadOnlyMemory<byte>)bytes;
        var offset = 0;
        while (offset < bytes.Length && LegacyRecordFrame.TryRead(memory[offset..], out var record, out var consumed))
        {
            records.Add(record!);
            offset += consumed;
        }

        var kept = Rewrite(path, records, out length);
        var tail = bytes.Length - offset;
        report.Add(path, $"format version 0 (an earlier release) upgraded to version {RecordFraming.CurrentVersion}: {records.Count:N0} records kept"
            + (tail > 0 ? $", {tail:N0} bytes after the last whole record cut" : ""));
        return kept;
    }

    private static List<(StoredRecord Record, long Offset)> Rewrite(string path, List<StoredRecord> records, out long length)
    {
        var buffer = new byte[records.Sum(RecordFrame.Size)];
        var kept = new List<(StoredRecord, long)>(records.Count);
        var offset = 0;
        foreach (var record in records)
        {
            kept.Add((record, offset));
            offset += RecordFrame.Write(record, buffer.AsSpan(offset));
        }

        DurableFile.Replace(path, buffer);
        length = offset;
        return kept;
    }
}
