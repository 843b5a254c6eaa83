using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Paywatch.Local.Streams;

/// <summary>
/// A shard's share of Kinesis's 128-bit hash-key space, both ends inclusive. A record belongs to the shard whose range
/// holds the MD5 hash of its partition key, read as an unsigned 128-bit integer, or its explicit hash key
/// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html).
/// </summary>
public sealed record HashKeyRange(UInt128 StartingHashKey, UInt128 EndingHashKey)
{
    /// <summary>
    /// The ranges CreateStream gives <paramref name="shardCount"/> shards: the space split evenly, shard i starting
    /// at ⌊i × 2¹²⁸ / n⌋ and ending just before the next (the last ends at 2¹²⁸ − 1).
    /// </summary>
    public static IReadOnlyList<HashKeyRange> Split(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var count = (UInt128)shardCount;
        // 2^128 = MaxValue + 1 does not fit, so ⌊i × 2^128 / n⌋ = i × q + ⌊i × r / n⌋ with 2^128 = q × n + r.
        var quotient = (UInt128.MaxValue / count) + (((UInt128.MaxValue % count) + 1) / count);
        var remainder = ((UInt128.MaxValue % count) + 1) % count;
        UInt128 Start(int i) => ((UInt128)i * quotient) + ((UInt128)i * remainder / count);

        var ranges = new HashKeyRange[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            var end = i == shardCount - 1 ? UInt128.MaxValue : Start(i + 1) - 1;
            ranges[i] = new HashKeyRange(Start(i), end);
        }

        return ranges;
    }

    /// <summary>MD5 of the partition key's UTF-8 bytes, big-endian, as Kinesis maps partition keys to hash keys.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "Kinesis's partition-key hash, not a security use.")]
    public static UInt128 HashPartitionKey(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        Span<byte> digest = stackalloc byte[16];
        var length = Encoding.UTF8.GetByteCount(partitionKey);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(partitionKey, bytes);
        MD5.HashData(bytes, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    public bool Contains(UInt128 hashKey) => hashKey >= StartingHashKey && hashKey <= EndingHashKey;
}
