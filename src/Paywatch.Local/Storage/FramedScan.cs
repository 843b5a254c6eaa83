namespace Paywatch.Local.Storage;

/// <summary>
/// What a framed file holds, read by rule: every whole record in order; bytes in the middle that are not whole records
/// (damaged) are skipped up to the next whole record and counted, never the rest of the file with them; bytes at the
/// end after the last whole record (a torn tail, or damage reaching the end) are cut.
/// </summary>
/// <param name="Records">Each whole record: its offset in the file and its payload.</param>
/// <param name="Damaged">Damaged byte ranges skipped in the middle (offset, length).</param>
/// <param name="WholeLength">Where the last whole record ends: what remains once the tail is cut.</param>
/// <param name="TailBytes">Bytes after the last whole record (zero when the file ends on a whole record).</param>
/// <param name="NewerVersion">The format version of a whole record newer than this paywatch reads, if any.</param>
internal sealed record FramedScan(
    IReadOnlyList<(int Offset, ReadOnlyMemory<byte> Payload)> Records,
    IReadOnlyList<(int Offset, int Length)> Damaged,
    int WholeLength,
    int TailBytes,
    byte? NewerVersion)
{
    public bool IsClean => Damaged.Count == 0 && TailBytes == 0;

    public int DamagedBytes => Damaged.Sum(d => d.Length);

    public static FramedScan Of(ReadOnlyMemory<byte> file)
    {
        var records = new List<(int, ReadOnlyMemory<byte>)>();
        var damaged = new List<(int, int)>();
        byte? newer = null;
        var span = file.Span;
        var offset = 0;
        var wholeEnd = 0;
        while (offset < span.Length)
        {
            if (RecordFraming.TryRead(span[offset..], out var length, out var version))
            {
                if (version > RecordFraming.CurrentVersion)
                {
                    newer ??= version;
                }

                records.Add((offset, file.Slice(offset + RecordFraming.HeaderSize, length)));
                offset += RecordFraming.Size(length);
                wholeEnd = offset;
                continue;
            }

            var next = NextWholeRecord(span, offset + 1);
            if (next < 0)
            {
                break;
            }

            damaged.Add((offset, next - offset));
            offset = next;
        }

        return new FramedScan(records, damaged, wholeEnd, span.Length - wholeEnd, newer);
    }

    private static int NextWholeRecord(ReadOnlySpan<byte> span, int from)
    {
        for (var at = from; at < span.Length - 1; at++)
        {
            var found = span[at..].IndexOf("PW"u8);
            if (found < 0)
            {
                return -1;
            }

            at += found;
            if (RecordFraming.TryRead(span[at..], out _, out _))
            {
                return at;
            }
        }

        return -1;
    }
}
