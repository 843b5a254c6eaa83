namespace Paywatch.Core.Transactions;

/// <summary>
/// Parses RFC 3339 date-times (<c>2026-11-26T06:22:04Z</c>, <c>2026-11-26T08:22:04.123+02:00</c>) from UTF-8,
/// strictly and without allocating: a full date, a time, and an explicit offset (<c>Z</c> or <c>±hh:mm</c>).
/// </summary>
/// <remarks>
/// Fractions beyond .NET's 100 ns resolution are truncated. A leap second (<c>:60</c>) is refused, since
/// <see cref="DateTimeOffset"/> cannot represent it. A time without an offset is refused: it names no instant.
/// </remarks>
public static class TimestampParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset timestamp)
    {
        timestamp = default;

        // yyyy-MM-ddTHH:mm:ss is 19 bytes; the shortest complete form adds 'Z'.
        if (text.Length < 20
            || !TryDigits(text[..4], out var year) || text[4] != '-'
            || !TryDigits(text.Slice(5, 2), out var month) || text[7] != '-'
            || !TryDigits(text.Slice(8, 2), out var day) || (text[10] | 0x20) != 't'
            || !TryDigits(text.Slice(11, 2), out var hour) || text[13] != ':'
            || !TryDigits(text.Slice(14, 2), out var minute) || text[16] != ':'
            || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        var rest = text[19..];
        long fractionTicks = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && rest[digits] is >= (byte)'0' and <= (byte)'9')
            {
                if (digits <= 7)
                {
                    fractionTicks = (fractionTicks * 10) + (rest[digits] - '0');
                }

                digits++;
            }

            if (digits == 1)
            {
                return false; // a '.' needs at least one digit
            }

            for (var scale = Math.Min(digits - 1, 7); scale < 7; scale++)
            {
                fractionTicks *= 10;
            }

            rest = rest[digits..];
        }

        TimeSpan offset;
        if (rest.Length == 1 && (rest[0] | 0x20) == 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':'
                 && TryDigits(rest.Slice(1, 2), out var offsetHours) && offsetHours <= 23
                 && TryDigits(rest.Slice(4, 2), out var offsetMinutes) && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        // In ticks, so that an offset pushing year 1 or 9999 out of range is refused rather than thrown.
        var utcTicks = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        timestamp = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
