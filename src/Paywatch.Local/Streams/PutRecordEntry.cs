namespace Paywatch.Local.Streams;

/// <summary>One record to write, as PutRecord and each entry of PutRecords carry it.</summary>
/// <param name="PartitionKey">Hashed with MD5 to choose the shard, unless <paramref name="ExplicitHashKey"/> is given.</param>
/// <param name="Data">The record's bytes (not base64).</param>
/// <param name="ExplicitHashKey">A hash key that overrides the partition key's hash.</param>
public sealed record PutRecordEntry(string PartitionKey, ReadOnlyMemory<byte> Data, UInt128? ExplicitHashKey = null)
{
    /// <summary>What counts against the 1 MiB record limit and the shard's write limit: data plus partition key.</summary>
    public int Size => Data.Length + System.Text.Encoding.UTF8.GetByteCount(PartitionKey);
}
