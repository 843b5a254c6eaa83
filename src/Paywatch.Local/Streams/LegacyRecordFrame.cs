using System.Buffers.Binary;
using System.IO.Hashing;

namespace Paywatch.Local.Streams;

/// <summary>
/// A record as the segment files of releases before the versioned framing held it (format version 0):
/// <c>[payload length: u32 LE][CRC-32 of payload: u32 LE][payload]</c>, the payload as <see cref="RecordFrame"/>'s.
/// Read only, to upgrade such a file when a folder of an earlier release is opened.
/// </summary>
internal static class LegacyRecordFrame
{
    private const int HeaderSize = 8;

    /// <summary>Reads the frame at the start of <paramref name="buffer"/>.</summary>
    /// <returns>False when the frame is short or its checksum does not match: a torn or corrupt tail.</returns>
    public static bool TryRead(ReadOnlyMemory<byte> buffer, out StoredRecord? record, out int consumed)
    {
        record = null;
        consumed = 0;
        var span = buffer.Span;
        if (span.Length < HeaderSize)
        {
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (payloadLength > span.Length - HeaderSize)
        {
            return false;
        }

        var payload = buffer.Slice(HeaderSize, (int)payloadLength);
        if (Crc32.HashToUInt32(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) || !RecordFrame.TryDecode(payload, out record))
        {
            return false;
        }

        consumed = HeaderSize + (int)payloadLength;
        return true;
    }
}
