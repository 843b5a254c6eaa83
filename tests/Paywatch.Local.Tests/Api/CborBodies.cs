namespace Paywatch.Local.Tests.Api;

/// <summary>
/// Malformed and hostile CBOR (RFC 8949): nesting far past any limit, lengths far past the body, items cut short,
/// indefinite-length items never closed or holding what they may not, values JSON cannot carry, and random bytes.
/// None of these is a valid request.
/// </summary>
internal static class CborBodies
{
    /// <summary>100,000 tags (major type 6, tag 1: epoch time) around one 0: a recursive reader overflows its stack.</summary>
    public static byte[] DeepTags(int count = 100_000) => [.. Enumerable.Repeat((byte)0xc1, count), 0x00];

    public static (string Kind, byte[] Body) Adversarial(Random random)
    {
        var deep = random.Next(3) switch { 0 => Paywatch.Local.Api.RequestLimits.MaxDepth + 1, 1 => 1_000 + random.Next(9_000), _ => 100_000 + random.Next(100_000) };
        switch (random.Next(12))
        {
            case 0:
                return ("deep tags", DeepTags(deep));
            case 1:
                // A map of one key "a" whose value is an array of one ..., never closed or closed.
                return ("deep arrays", [0xa1, 0x61, (byte)'a', .. Enumerable.Repeat((byte)0x81, deep), 0x00]);
            case 2:
                return ("deep maps", [.. Enumerable.Range(0, deep).SelectMany(_ => new byte[] { 0xa1, 0x61, (byte)'a' }), 0x00]);
            case 3:
                // Indefinite-length arrays (0x9f) opened and never broken (0xff).
                return ("unclosed indefinite arrays", [0xa1, 0x61, (byte)'a', .. Enumerable.Repeat((byte)0x9f, random.Next(1, deep))]);
            case 4:
                // A map, a byte string and a text string declaring 2^64 - 1 entries or bytes.
                byte[] head = random.Next(3) switch { 0 => [0xbb], 1 => [0xa1, 0x61, (byte)'a', 0x5b], _ => [0xa1, 0x61, (byte)'a', 0x7b] };
                return ("huge declared length", [.. head, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]);
            case 5:
                // An indefinite-length text string whose chunk is a byte string, or an integer: not allowed (RFC 8949 §3.2.3).
                return ("bad indefinite chunks", [0xa1, 0x61, (byte)'a', 0x7f, random.Next(2) == 0 ? (byte)0x41 : (byte)0x01, 0x00, 0xff]);
            case 6:
                var whole = ValidDescribeAlarms();
                return ("truncated", whole[..random.Next(1, whole.Length)]);
            case 7:
                // NaN (half precision), +infinity (single) as a member's value: JSON has neither.
                return ("non-finite number", [0xa1, 0x61, (byte)'a', .. random.Next(2) == 0 ? new byte[] { 0xf9, 0x7e, 0x00 } : [0xfa, 0x7f, 0x80, 0x00, 0x00]]);
            case 8:
                // Keys that are not text: an integer, an array.
                return ("non-text key", [0xa1, random.Next(2) == 0 ? (byte)0x01 : (byte)0x80, 0x00]);
            case 9:
                // One item, then more.
                return ("trailing items", [0xa0, .. Enumerable.Repeat((byte)0xa0, random.Next(1, 100))]);
            case 10:
                // A lone break, reserved additional information (28-30), -2^64 and a simple value where the request's map belongs.
                byte[][] odd = [[0xff], [0x1c], [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xf8, 0x10], [0xf7]];
                return ("odd items", odd[random.Next(odd.Length)]);
            default:
                var bytes = new byte[1 + random.Next(2000)];
                random.NextBytes(bytes);
                // Random bytes that happen to be valid CBOR are rare, but 0xa0 alone is: keep it malformed.
                return ("random bytes", bytes.Length == 1 && bytes[0] == 0xa0 ? [0xff] : bytes);
        }
    }

    /// <summary><c>{"AlarmNames": ["a"], "StateValue": "ALARM"}</c>.</summary>
    public static byte[] ValidDescribeAlarms() =>
    [
        0xa2,
        0x6a, .. "AlarmNames"u8, 0x81, 0x61, (byte)'a',
        0x6a, .. "StateValue"u8, 0x65, .. "ALARM"u8,
    ];
}
