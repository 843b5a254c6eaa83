using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Paywatch.Patterns;

/// <summary>
/// An inclusive range of IPv4 or IPv6 addresses: what a <c>cidr</c> pattern, or a plain pattern string that is
/// an IP address, matches. Addresses of the two families never match each other.
/// </summary>
internal readonly record struct IpRange(bool IsV6, UInt128 First, UInt128 Last)
{
    public bool Contains(bool isV6, UInt128 address) => isV6 == IsV6 && address >= First && address <= Last;

    /// <summary>
    /// Parses <c>address/mask-bits</c> with EventBridge's rules and messages: the range runs from the address as
    /// written to the top of its network (host bits are not cleared), and a mask of 32 (IPv4) or 128 (IPv6) is
    /// rejected.
    /// </summary>
    public static bool TryParseCidr(string text, out IpRange range, out string? error)
    {
        range = default;
        var parts = text.Split('/');
        if (parts.Length != 2)
        {
            error = "Malformed CIDR, one '/' required";
            return false;
        }

        if (!TryParseStrict(parts[0], out var isV6, out var address, out error))
        {
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var maskBits))
        {
            error = "Malformed CIDR, mask bits must be an integer";
            return false;
        }

        if (maskBits < 0)
        {
            error = "Malformed CIDR, mask bits must not be negative";
            return false;
        }

        var bits = isV6 ? 128 : 32;
        if (maskBits >= bits)
        {
            error = isV6 ? "IPv6 mask bits must be < 128" : "IPv4 mask bits must be < 32";
            return false;
        }

        var hostBits = bits - maskBits;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        range = new IpRange(isV6, address, address | hostMask);
        error = null;
        return true;
    }

    /// <summary>The range holding just <paramref name="text"/>, when it is an IP address.</summary>
    public static bool TryParseSingle(string text, out IpRange range)
    {
        if (TryParseAddress(Encoding.UTF8.GetBytes(text), out var isV6, out var address))
        {
            range = new IpRange(isV6, address, address);
            return true;
        }

        range = default;
        return false;
    }

    private static bool TryParseStrict(string text, out bool isV6, out UInt128 address, out string? error)
    {
        var ipv4Shape = text.Length > 0 && text.Split('.') is { Length: 4 } octets && octets.All(o => o.Length > 0 && o.All(char.IsAsciiDigit));
        var ipv6Shape = text.Contains(':', StringComparison.Ordinal) && text.All(c => char.IsAsciiHexDigit(c) || c == ':');
        if (!ipv4Shape && !ipv6Shape)
        {
            isV6 = false;
            address = UInt128.Zero;
            error = $"Nonstandard IP address: {text}";
            return false;
        }

        if (!TryParseAddress(Encoding.UTF8.GetBytes(text), out isV6, out address))
        {
            error = $"Invalid IP address: {text}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Parses an IPv4 dotted quad (four decimal parts, 0–255) or an IPv6 address (RFC 4291 text forms, no zone).
    /// Shorthands some parsers accept, like <c>10.1</c> or hexadecimal parts, are not addresses here.
    /// </summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> text, out bool isV6, out UInt128 address)
    {
        address = UInt128.Zero;
        isV6 = text.Contains((byte)':');
        if (isV6)
        {
            Span<char> chars = stackalloc char[64];
            if (text.Length > chars.Length || text.Contains((byte)'%'))
            {
                return false;
            }

            var length = Encoding.ASCII.GetChars(text, chars);
            if (!IPAddress.TryParse(chars[..length], out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[16];
            ip.TryWriteBytes(bytes, out _);
            address = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
            return true;
        }

        uint value = 0;
        var part = 0;
        var digits = 0;
        uint current = 0;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }

                value = (value << 8) | current;
                part++;
                digits = 0;
                current = 0;
            }
            else if ((uint)(b - '0') <= 9 && digits < 3)
            {
                current = (current * 10) + (uint)(b - '0');
                digits++;
                if (current > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            return false;
        }

        address = (value << 8) | current;
        return true;
    }
}
