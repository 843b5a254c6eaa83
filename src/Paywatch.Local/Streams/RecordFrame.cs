using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Paywatch.Local.Streams;

/// <summary>
/// A record as a segment file holds it: <c>[payload length: u32 LE][CRC-32 of payload: u32 LE][payload]</c>, the payload
/// being <c>[sequence number: u128 BE][arrival: unix ms, i64 LE][partition-key length: u16 LE][partition key, UTF-8][data]</c>.
/// The length and checksum let recovery tell a whole frame from one torn by a crash mid-write.
/// </summary>
internal static class RecordFrame
{
    public const int HeaderSize = 8;
    private const int FixedPayload = 16 + 8 + 2;

    public static int Size(StoredRecord record) =>
        HeaderSize + FixedPayload + Encoding.UTF8.GetByteCount(record.PartitionKey) + record.Data.Length;

    /// <returns>The bytes written.</returns>
    public static int Write(StoredRecord record, Span<byte> destination)
    {
        var payload = destination[HeaderSize..];
        BinaryPrimitives.WriteUInt128BigEndian(payload, record.SequenceNumber);
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], record.ApproximateArrivalTimestamp.ToUnixTimeMilliseconds());
        var keyLength = Encoding.UTF8.GetBytes(record.PartitionKey, payload[FixedPayload..]);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[24..], checked((ushort)keyLength));
        record.Data.Span.CopyTo(payload[(FixedPayload + keyLength)..]);
        var payloadLength = FixedPayload + keyLength + record.Data.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32.HashToUInt32(payload[..payloadLength]));
        return HeaderSize + payloadLength;
    }

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
        if (payloadLength < FixedPayload || payloadLength > span.Length - HeaderSize)
        {
            return false;
        }

        var payload = span.Slice(HeaderSize, (int)payloadLength);
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(span[4..]))
        {
            return false;
        }

        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[24..]);
        if (FixedPayload + keyLength > payload.Length)
        {
            return false;
        }

        record = new StoredRecord(
            BinaryPrimitives.ReadUInt128BigEndian(payload),
            Encoding.UTF8.GetString(payload.Slice(FixedPayload, keyLength)),
            buffer.Slice(HeaderSize + FixedPayload + keyLength, (int)payloadLength - FixedPayload - keyLength),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(payload[16..])));
        consumed = HeaderSize + (int)payloadLength;
        return true;
    }
}
