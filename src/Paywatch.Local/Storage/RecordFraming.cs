using System.Buffers.Binary;
using System.IO.Hashing;

namespace Paywatch.Local.Storage;

/// <summary>
/// The one record framing of every segment and journal in the data folder:
/// <c>[magic "PW"][CRC-32: u32 LE][format version: u8][reserved: u8][payload length: u32 LE][payload]</c>, the CRC
/// covering everything after it (version, reserved byte, length, payload: one contiguous span). The magic lets recovery find the next whole
/// record after damaged bytes; the CRC tells a whole record from a torn or damaged one; the version lets a newer
/// paywatch read (or a older one refuse) what an other one wrote.
/// </summary>
internal static class RecordFraming
{
    public const int HeaderSize = 12;

    /// <summary>The format this paywatch writes; it reads this one and the unversioned files of earlier releases.</summary>
    public const byte CurrentVersion = 1;

    private const byte Magic0 = (byte)'P';
    private const byte Magic1 = (byte)'W';

    /// <summary>A record's payload is at most this long: a bound that keeps a damaged length from reading far.</summary>
    public const int MaxPayload = 64 * 1024 * 1024;

    public static int Size(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes the header of the payload already at <c>frame[HeaderSize..]</c>.</summary>
    /// <returns>The frame's size.</returns>
    public static int WriteHeader(Span<byte> frame, int payloadLength)
    {
        frame[0] = Magic0;
        frame[1] = Magic1;
        frame[6] = CurrentVersion;
        frame[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[2..], Checksum(frame, payloadLength));
        return HeaderSize + payloadLength;
    }

    /// <summary>A framed copy of <paramref name="payload"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Size(payload.Length)];
        payload.CopyTo(frame.AsSpan(HeaderSize));
        WriteHeader(frame, payload.Length);
        return frame;
    }

    /// <summary>Whether <paramref name="bytes"/> starts as a framed file does (a file of an earlier release does not).</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == Magic0 && bytes[1] == Magic1;

    /// <summary>Reads the frame at the start of <paramref name="bytes"/>.</summary>
    /// <param name="version">The frame's format version (a whole frame may be of a version newer than this paywatch reads).</param>
    /// <returns>False when the bytes there are not one whole frame: short, damaged, or no frame at all.</returns>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out int payloadLength, out byte version)
    {
        payloadLength = 0;
        version = 0;
        if (bytes.Length < HeaderSize || bytes[0] != Magic0 || bytes[1] != Magic1)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (length > MaxPayload || length > bytes.Length - HeaderSize)
        {
            return false;
        }

        if (Checksum(bytes, (int)length) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[2..]))
        {
            return false;
        }

        payloadLength = (int)length;
        version = bytes[6];
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> frame, int payloadLength) => Crc32.HashToUInt32(frame[6..(HeaderSize + payloadLength)]);
}
