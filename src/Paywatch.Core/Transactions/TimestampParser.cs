using System.Globalization;

namespace Paywatch.Core.Transactions;

/// <summary>Parses RFC 3339 timestamps (<c>2026-11-26T06:22:04Z</c>, fractions and offsets allowed), nothing looser.</summary>
public static class TimestampParser
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset timestamp)
    {
        timestamp = default;
        Span<char> chars = stackalloc char[40];
        if (utf8.Length is < 20 or > 40 || Encoding.UTF8.GetChars(utf8, chars) is var length && length != utf8.Length)
        {
            return false;
        }

        // 'K' accepts a missing offset too; RFC 3339 requires one, so a local time is rejected here.
        var last = chars[length - 1];
        if (last != 'Z' && chars[length - 6] is not ('+' or '-'))
        {
            return false;
        }

        return DateTimeOffset.TryParseExact(
            chars[..length], Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out timestamp);
    }
}
