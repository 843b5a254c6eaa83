using System.Globalization;

namespace Paywatch.Patterns;

/// <summary>
/// A number as EventBridge compares it in <c>numeric</c>, numeric <c>anything-but</c> and numeric-equality
/// matches: the IEEE-754 double the JSON text denotes, when the text denotes that double exactly. So
/// <c>10000</c>, <c>10000.0</c> and <c>1e4</c> are the same number, while a text that would be rounded on the
/// way to a double (<c>12345678901234567890</c>, <c>0.30000000000000001</c>, <c>1e400</c>) is not comparable.
/// </summary>
/// <remarks>
/// This follows the current aws/event-ruler (EventBridge's engine), which accepts any double. EventBridge's
/// user guide still states the engine's earlier limits (-5.0e9 to +5.0e9, six decimal places); numbers inside
/// those limits behave the same under both. A non-comparable number in an event can still match an exact
/// pattern value spelled the same way; in a <c>numeric</c> or <c>anything-but</c> pattern it is an error.
/// </remarks>
internal static class ComparableNumber
{
    // Up to 15 significant digits, every decimal survives the round trip through a double.
    private const int ExactDigits = 15;

    // Powers of ten a double holds exactly: dividing a mantissa below 2^53 by one rounds correctly.
    private static readonly double[] ExactPowersOfTen = [.. Enumerable.Range(0, 23).Select(i => Math.Pow(10, i))];

    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        if (TryParsePlain(text, out value))
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return false;
        }

        return (SignificantDigits(text) <= ExactDigits && !HasExponent(text)) || RoundTrips(text, value);
    }

    /// <summary>Like <see cref="TryParse(ReadOnlySpan{byte}, out double)"/>, with EventBridge's message when it fails.</summary>
    public static bool TryParse(string text, out double value, out string? error)
    {
        var ok = TryParse(Encoding.UTF8.GetBytes(text), out value);
        error = ok ? null : $"Cannot compare number : {text}";
        return ok;
    }

    // The common case without the general parser: an optional sign, up to 15 significant digits, an optional
    // fraction of up to 22 digits, no exponent.
    private static bool TryParsePlain(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = text.Length > 0 && text[0] == (byte)'-' ? 1 : 0;
        var negative = i == 1;
        long mantissa = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; i < text.Length; i++)
        {
            var b = text[i];
            if ((uint)(b - '0') <= 9)
            {
                mantissa = (mantissa * 10) + (b - '0');
                if (mantissa != 0 && ++digits > ExactDigits)
                {
                    return false;
                }

                if (fractionDigits >= 0)
                {
                    fractionDigits++;
                }
            }
            else if (b == (byte)'.' && fractionDigits < 0)
            {
                fractionDigits = 0;
            }
            else
            {
                return false;
            }
        }

        if (fractionDigits > 22 || fractionDigits == 0 || text.Length == (negative ? 1 : 0))
        {
            return false;
        }

        value = fractionDigits > 0 ? mantissa / ExactPowersOfTen[fractionDigits] : mantissa;
        value = negative ? -value : value;
        return true;
    }

    private static bool HasExponent(ReadOnlySpan<byte> text) => text.IndexOfAny((byte)'e', (byte)'E') >= 0;

    private static int SignificantDigits(ReadOnlySpan<byte> text)
    {
        var count = 0;
        var leading = true;
        foreach (var b in text)
        {
            if ((uint)(b - '0') > 9)
            {
                continue;
            }

            leading &= b == (byte)'0';
            if (!leading)
            {
                count++;
            }
        }

        return count;
    }

    // The exact test: the text and the double's shortest round-trip form denote the same decimal.
    private static bool RoundTrips(ReadOnlySpan<byte> text, double value) =>
        Decimal.Of(Encoding.ASCII.GetString(text)) == Decimal.Of(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>A decimal as (sign, significant digits, exponent of the last digit), for exact comparison.</summary>
    private readonly record struct Decimal(bool Negative, string Digits, long Exponent)
    {
        public static Decimal Of(string text)
        {
            var negative = text.StartsWith('-');
            var exponentAt = text.IndexOfAny(['e', 'E']);
            long exponent = exponentAt < 0 ? 0 : long.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var mantissa = exponentAt < 0 ? text : text[..exponentAt];
            var point = mantissa.IndexOf('.', StringComparison.Ordinal);
            if (point >= 0)
            {
                exponent -= mantissa.Length - point - 1;
                mantissa = mantissa.Remove(point, 1);
            }

            var digits = mantissa.TrimStart('-', '+').TrimStart('0');
            var trimmed = digits.TrimEnd('0');
            exponent += digits.Length - trimmed.Length;
            return trimmed.Length == 0 ? new Decimal(false, "", 0) : new Decimal(negative, trimmed, exponent);
        }
    }
}
