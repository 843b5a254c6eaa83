
namespace Paywatch.Aws.XRay;

/// <summary>
/// X-Ray's identifier formats ("AWS X-Ray segment documents",
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html): a trace id is
/// <c>1-{8 hex: epoch seconds}-{24 hex: 96 random bits}</c>; a segment or subsegment id is 16 hex digits.
/// </summary>
public static class XRayIds
{
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
