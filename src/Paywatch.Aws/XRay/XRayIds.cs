using System.Buffers.Binary;
using System.Globalization;

namespace Paywatch.Aws.XRay;

/// <summary>
/// X-Ray's identifier formats ("AWS X-Ray segment documents",
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html): a trace id is
/// <c>1-{8 hex: epoch seconds}-{24 hex: 96 random bits}</c>; a segment or subsegment id is 16 hex digits.
/// </summary>
public static class XRayIds
{
    /// <summary>A new trace id for something that started at <paramref name="start"/>.</summary>
    public static string NewTraceId(DateTimeOffset start)
    {
        Span<byte> random = stackalloc byte[12];
        Random.Shared.NextBytes(random);
        var state = (
            Seconds: (uint)Math.Clamp(start.ToUnixTimeSeconds(), 0, uint.MaxValue),
            High: BinaryPrimitives.ReadUInt64LittleEndian(random),
            Low: BinaryPrimitives.ReadUInt32LittleEndian(random[8..]));
        return string.Create(35, state, static (chars, state) =>
        {
            chars[0] = '1';
            chars[1] = '-';
            state.Seconds.TryFormat(chars[2..10], out _, "x8", CultureInfo.InvariantCulture);
            chars[10] = '-';
            state.High.TryFormat(chars[11..27], out _, "x16", CultureInfo.InvariantCulture);
            state.Low.TryFormat(chars[27..35], out _, "x8", CultureInfo.InvariantCulture);
        });
    }

    public static bool IsTraceId(string value) =>
        value.Length == 35 && value[0] == '1' && value[1] == '-' && value[10] == '-'
        && IsHex(value.AsSpan(2, 8)) && IsHex(value.AsSpan(11, 24));

    public static bool IsSegmentId(string value) => value.Length == 16 && IsHex(value);

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
