using System.Buffers;
using System.Text.Json;

namespace Paywatch.Local.Storage;

/// <summary>
/// The data folder's journals (the DLQ, the topic's outbox): JSON records, each in one <see cref="RecordFraming"/>
/// frame, appended; read back by the recovery rule (<see cref="FramedScan"/>), with every repair reported. A journal of
/// an earlier release (JSON lines, unversioned) is read line by line, an unreadable line skipped and counted, never
/// the lines after it; its owner rewrites it in the current format on opening.
/// </summary>
internal static class JournalFile
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_scratch;

    /// <summary>Appends one framed JSON record, written by <paramref name="write"/>, to <paramref name="output"/>.</summary>
    /// <returns>The frame's size.</returns>
    public static int Append(IBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        var scratch = s_scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(scratch))
        {
            write(writer);
        }

        var size = RecordFraming.Size(scratch.WrittenCount);
        var frame = output.GetSpan(size);
        scratch.WrittenSpan.CopyTo(frame[RecordFraming.HeaderSize..]);
        RecordFraming.WriteHeader(frame, scratch.WrittenCount);
        output.Advance(size);
        return size;
    }

    /// <summary>Each whole record of the journal at <paramref name="path"/>, as a JSON document the caller disposes.</summary>
    /// <param name="lostWithDamage">What damaged bytes cost, for the report (e.g. "the notifications published in them are lost").</param>
    /// <exception cref="DataFolderException">The journal is of a newer format version.</exception>
    public static List<JsonDocument> Read(string path, DataFolderReport report, string lostWithDamage)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 0 && bytes[0] == (byte)'{')
        {
            return ReadJsonLines(path, bytes, report, lostWithDamage);
        }

        var scan = FramedScan.Of(bytes);
        if (scan.NewerVersion is { } newer)
        {
            throw DataFolderException.NewerVersion(path, newer);
        }

        var documents = new List<JsonDocument>(scan.Records.Count);
        var unreadable = 0;
        foreach (var (_, payload) in scan.Records)
        {
            try
            {
                // The document reads from the file's buffer, which it keeps alive.
                documents.Add(JsonDocument.Parse(payload));
            }
            catch (JsonException)
            {
                unreadable++;
            }
        }

        if (!scan.IsClean || unreadable > 0)
        {
            var found = new List<string>();
            if (scan.Damaged.Count > 0)
            {
                found.Add($"{scan.DamagedBytes:N0} damaged bytes in {scan.Damaged.Count} place(s) skipped to the next whole record");
            }

            if (scan.TailBytes > 0)
            {
                found.Add($"{scan.TailBytes:N0} bytes after the last whole record cut (a write torn by a crash, or damage to the end)");
            }

            if (unreadable > 0)
            {
                found.Add($"{unreadable} record(s) that are not JSON skipped");
            }

            report.Add(path, $"{string.Join("; ", found)}: {lostWithDamage}; {documents.Count:N0} records kept");
        }

        return documents;
    }

    /// <summary>
    /// Each whole record of the journal at <paramref name="path"/>, read by <paramref name="read"/>; a record that is
    /// JSON but not what <paramref name="read"/> expects (it throws <see cref="FormatException"/>) is skipped, counted
    /// and reported like a damaged one.
    /// </summary>
    /// <param name="what">What a record holds, plural, for the report (e.g. "spans").</param>
    /// <exception cref="DataFolderException">The journal is of a newer format version.</exception>
    public static List<T> ReadRecords<T>(string path, DataFolderReport report, string what, string lostWithDamage, Func<JsonElement, T> read)
    {
        var records = new List<T>();
        var unreadable = 0;
        foreach (var document in Read(path, report, lostWithDamage))
        {
            using (document)
            {
                try
                {
                    records.Add(read(document.RootElement));
                }
                catch (FormatException)
                {
                    unreadable++;
                }
            }
        }

        if (unreadable > 0)
        {
            report.Add(path, $"{unreadable} record(s) that are not {what} skipped: {lostWithDamage}; {records.Count:N0} kept");
        }

        return records;
    }

    private static List<JsonDocument> ReadJsonLines(string path, byte[] bytes, DataFolderReport report, string lostWithDamage)
    {
        var documents = new List<JsonDocument>();
        var skipped = 0;
        ReadOnlyMemory<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (line.Span.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            try
            {
                documents.Add(JsonDocument.Parse(line));
            }
            catch (JsonException)
            {
                skipped++;
            }
        }

        report.Add(path, $"format version 0 (JSON lines, an earlier release) upgraded to version {RecordFraming.CurrentVersion}: {documents.Count:N0} records kept"
            + (skipped > 0 ? $", {skipped} unreadable line(s) skipped ({lostWithDamage})" : ""));
        return documents;
    }
}
