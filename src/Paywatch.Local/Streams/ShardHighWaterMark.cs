using System.Buffers.Binary;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// A shard's high-water mark, kept apart from its segment files (<c>high-water-mark</c> in the shard's folder, one
/// framed record replaced atomically): no sequence number above <see cref="Reserved"/> was ever assigned, and the
/// newest segment file is <see cref="NewestSegment"/>. Sequence numbers are reserved in blocks ahead of the writes, so
/// the file is rewritten rarely; after a crash numbering resumes above the reservation, so a record lost with a
/// damaged or deleted segment never has its number handed to a new record. A clean stop writes the exact last number
/// (<see cref="Clean"/>), so a restart numbers on without a gap and can count the records a damaged folder lost.
/// </summary>
internal sealed record ShardHighWaterMark(UInt128 Reserved, long NewestSegment, bool Clean)
{
    public const string FileName = "high-water-mark";
    private const int PayloadSize = 16 + 8 + 1;

    /// <returns>Null when there is none, or it is damaged (<paramref name="damaged"/> says which).</returns>
    public static ShardHighWaterMark? Load(string directory, out bool damaged)
    {
        damaged = false;
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (!RecordFraming.TryRead(bytes, out var length, out var version) || length != PayloadSize)
        {
            damaged = true;
            return null;
        }

        if (version > RecordFraming.CurrentVersion)
        {
            throw DataFolderException.NewerVersion(path, version);
        }

        var payload = bytes.AsSpan(RecordFraming.HeaderSize, length);
        return new ShardHighWaterMark(
            BinaryPrimitives.ReadUInt128BigEndian(payload),
            BinaryPrimitives.ReadInt64LittleEndian(payload[16..]),
            payload[24] == 1);
    }

    public void Save(string directory)
    {
        Span<byte> payload = stackalloc byte[PayloadSize];
        BinaryPrimitives.WriteUInt128BigEndian(payload, Reserved);
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], NewestSegment);
        payload[24] = Clean ? (byte)1 : (byte)0;
        DurableFile.Replace(Path.Combine(directory, FileName), RecordFraming.Frame(payload));
    }
}
