using System.Diagnostics;
using System.Security.Cryptography;

namespace Paywatch.Core.Telemetry;

/// <summary>
/// Trace ids that X-Ray accepts and W3C Trace Context allows alike: 32 hex digits whose first 8 are the trace's start
/// in epoch seconds and whose other 24 are random. X-Ray writes the same id as <c>1-{8 hex}-{24 hex}</c> and refuses a
/// trace whose time is far from now ("Tracing header", X-Ray Developer Guide,
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader), so a random W3C id
/// would be dropped by X-Ray.
/// </summary>
public static class TraceIds
{
    /// <summary>The length of <see cref="WriteXRay"/>'s output: <c>1-</c>, 8 hex digits, <c>-</c>, 24 hex digits.</summary>
    public const int XRayLength = 35;

    /// <summary>A new trace id for a trace that starts at <paramref name="start"/>.</summary>
    public static ActivityTraceId New(DateTimeOffset start)
    {
        Span<byte> bytes = stackalloc byte[16];
        var seconds = (uint)Math.Clamp(start.ToUnixTimeSeconds(), 0, uint.MaxValue);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, seconds);
        RandomNumberGenerator.Fill(bytes[4..]);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>The id in X-Ray's form, <c>1-5759e988-bd862e3fe1be46a994272793</c>, as UTF-8.</summary>
    public static void WriteXRay(ActivityTraceId traceId, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, XRayLength);
        Span<byte> raw = stackalloc byte[16];
        traceId.CopyTo(raw);
        destination[0] = (byte)'1';
        destination[1] = (byte)'-';
        WriteHex(raw[..4], destination[2..10]);
        destination[10] = (byte)'-';
        WriteHex(raw[4..], destination[11..XRayLength]);
    }

    /// <summary>The id in X-Ray's form, as a string.</summary>
    public static string ToXRay(ActivityTraceId traceId)
    {
        Span<byte> utf8 = stackalloc byte[XRayLength];
        WriteXRay(traceId, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>Reads X-Ray's form (<c>1-{8 hex}-{24 hex}</c>); false when it is not that.</summary>
    public static bool TryParseXRay(ReadOnlySpan<char> text, out ActivityTraceId traceId)
    {
        traceId = default;
        if (text.Length != XRayLength || text[0] != '1' || text[1] != '-' || text[10] != '-')
        {
            return false;
        }

        Span<char> hex = stackalloc char[32];
        text[2..10].CopyTo(hex);
        text[11..].CopyTo(hex[8..]);
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        traceId = ActivityTraceId.CreateFromString(hex);
        return traceId != default;
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        const string Digits = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)Digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)Digits[bytes[i] & 0xF];
        }
    }
}
