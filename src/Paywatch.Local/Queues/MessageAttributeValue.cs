using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Paywatch.Local.Queues;

/// <summary>
/// One SQS message attribute (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html):
/// its DataType (<c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a custom suffix such as
/// <c>Number.float</c>) and a string or binary value.
/// </summary>
public sealed record MessageAttributeValue(string DataType, string? StringValue, byte[]? BinaryValue)
{
    /// <summary>The transport type of the MD5 encoding: 1 for String and Number, 2 for Binary.</summary>
    public bool IsBinary => DataType == "Binary" || DataType.StartsWith("Binary.", StringComparison.Ordinal);

    /// <summary>
    /// MD5OfMessageAttributes as SQS computes it
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation):
    /// the attributes sorted by name, each as its name, its DataType (each a 4-byte big-endian length and UTF-8 bytes),
    /// one transport-type byte, and its value (length and bytes); the MD5 of it all, in lowercase hex.
    /// </summary>
    /// <returns>Null for no attributes (SQS then leaves the digest out).</returns>
    public static string? Md5(IReadOnlyDictionary<string, MessageAttributeValue> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            WriteLengthAndBytes(buffer, Encoding.UTF8.GetBytes(name));
            WriteLengthAndBytes(buffer, Encoding.UTF8.GetBytes(value.DataType));
            buffer.WriteByte(value.IsBinary ? (byte)2 : (byte)1);
            WriteLengthAndBytes(buffer, value.IsBinary ? value.BinaryValue ?? [] : Encoding.UTF8.GetBytes(value.StringValue ?? ""));
        }

#pragma warning disable CA5351 // SQS's digest is a checksum the SDKs verify, not a security measure.
        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
#pragma warning restore CA5351
    }

    private static void WriteLengthAndBytes(MemoryStream buffer, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
