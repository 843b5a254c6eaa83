using System.Buffers.Binary;
using System.Text;
using Paywatch.Local.Storage;

namespace Paywatch.Local.Streams;

/// <summary>
/// A record as a segment file holds it: one <see cref="RecordFraming"/> frame whose payload is
/// <c>[sequence number: u128 BE][arrival: unix ms, i64 LE][partition-key length: u16 LE][partition key, UTF-8][data]</c>.
/// </summary>
internal static class RecordFrame
{
    private const int FixedPayload = 16 + 8 + 2;

    public static int Size(StoredRecord record) =>
        RecordFraming.Size(FixedPayload + Encoding.UTF8.GetByteCount(record.PartitionKey) + record.Data.Length);

    /// <returns>The bytes written.</returns>
    public static int Write(StoredRecord record, Span<byte> destination)
    {
        var payload = destination[RecordFraming.HeaderSize..];
        BinaryPrimitives.WriteUInt128BigEndian(payload, record.SequenceNumber);
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], record.ApproximateArrivalTimestamp.ToUnixTimeMilliseconds());
        var keyLength = Encoding.UTF8.GetBytes(record.PartitionKey, payload[FixedPayload..]);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[24..], checked((ushort)keyLength));
        record.Data.Span.CopyTo(payload[(FixedPayload + keyLength)..]);
        return RecordFraming.WriteHeader(destination, FixedPayload + keyLength + record.Data.Length);
    }

    /// <summary>Reads the frame at the start of <paramref name="buffer"/>.</summary>
    /// <returns>False when there is no whole frame there.</returns>
    public static bool TryRead(ReadOnlyMemory<byte> buffer, out StoredRecord? record, out int consumed)
    {
        record = null;
        consumed = 0;
        if (!RecordFraming.TryRead(buffer.Span, out var length, out _)
            || !TryDecode(buffer.Slice(RecordFraming.HeaderSize, length), out record))
        {
            return false;
        }

        consumed = RecordFraming.Size(length);
        return true;
    }

    /// <summary>Decodes a payload (the record's data is a slice of it).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> payload, out StoredRecord? record)
    {
        record = null;
        var span = payload.Span;
        if (span.Length < FixedPayload)
        {
            return false;
        }

        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(span[24..]);
        if (FixedPayload + keyLength > span.Length)
        {
            return false;
        }

        record = new StoredRecord(
            BinaryPrimitives.ReadUInt128BigEndian(span),
            Encoding.UTF8.GetString(span.Slice(FixedPayload, keyLength)),
            payload[(FixedPayload + keyLength)..],
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(span[16..])));
        return true;
    }
}
