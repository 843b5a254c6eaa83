using System.Globalization;
using System.Text;

namespace Paywatch.Local.Api;

/// <summary>
/// What a Kinesis shard iterator stands for: a position in a shard (read after <see cref="After"/>; null is the trim
/// horizon) and when it was issued, since "a shard iterator expires 5 minutes after it is returned to the requester"
/// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html). On the wire it is opaque: base64.
/// </summary>
internal sealed record ShardIterator(string StreamName, string ShardId, UInt128? After, DateTimeOffset Issued)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string Version = "pw1";

    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(
            '|',
            Version,
            StreamName,
            ShardId,
            After?.ToString(CultureInfo.InvariantCulture) ?? "-",
            Issued.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))));

    public static ShardIterator? Decode(string text)
    {
        Span<byte> bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out var length))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(bytes[..length]).Split('|');
        if (parts.Length != 5 || parts[0] != Version
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
        {
            return null;
        }

        UInt128? after = null;
        if (parts[3] != "-")
        {
            if (!UInt128.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                return null;
            }

            after = position;
        }

        return new ShardIterator(parts[1], parts[2], after, DateTimeOffset.FromUnixTimeMilliseconds(issued));
    }
}
