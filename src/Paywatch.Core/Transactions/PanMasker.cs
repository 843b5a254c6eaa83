using System.Buffers;

namespace Paywatch.Core.Transactions;

/// <summary>
/// Masks anything that looks like a primary account number (PAN) so that no more than the first six and last
/// four digits ever leave the processor (PCI DSS v4.0 requirement 3.4.1's display limit, "BIN and last four").
/// </summary>
/// <remarks>
/// <para>
/// <b>Runs.</b> A run is a sequence of digits in which each pair of neighbouring digits may be joined by one space
/// or one hyphen, the ways card numbers are written (<c>4111 1111 1111 1111</c>, <c>3782-822463-10005</c>). A run
/// is made of groups: its maximal sequences of digits.
/// </para>
/// <para>
/// <b>Id parts.</b> Before a run is judged, groups at either end of it that belong to an id are set aside (never
/// masked, and not counted), one at a time from each end while they qualify. A group belongs to an id when
/// there is strong evidence of it:
/// <list type="bullet">
/// <item>it lies inside a UUID: 8-4-4-4-12 hex digits (RFC 9562 §4), bounded by anything but a letter or a digit,
/// so that <c>txn-4507781e-9068-8341-9b2f-1234567890ab</c> survives whole. A UUID has 32 hex digits and a PAN at
/// most 19, so a UUID cannot be one; yet about one random version-4 UUID in 50 has digit fields that join
/// across its hyphens into a run of 13 or more, and one in 400 was masked before this rule;</item>
/// <item>or it is glued, with no separator, to a letter, in a word (letters and digits) made only of hex digits
/// 0-9, a-f, A-F that is at least 8 characters long (32 bits, the shortest random field ids are built from: a
/// UUID's first field, a CRC-32, a short commit hash), and the group itself has 1 to 3 or 7 to 12 digits. So
/// in <c>crash-e7876121-000307</c> the group <c>7876121</c> is part of the hex word <c>e7876121</c> and is set
/// aside, and <c>000307</c> alone is too short to be a card number.</item>
/// </list>
/// A group glued to letters that are not all hex (<c>x4111111111111111</c>, <c>card4111-1111-1111-1111</c>), or
/// glued by anything but a letter (<c>tok_4111111111111111</c>, <c>pan:</c>, <c>"</c>, <c>=</c>), or in a hex word
/// but of 4 to 6 digits (how card numbers are grouped when written: 4-4-4-4, 4-6-5 and 4-6-4; so
/// <c>cafe4111-1111-1111-1111</c>) or of 13 or more (a whole card number with a prefix, <c>cc4111111111111111</c>),
/// is never set aside. Being wrong the other way leaks a card number, so only these shapes count as evidence.
/// A PAN can therefore only escape by being written glued to a hex word of eight characters or more in an
/// unusual grouping, or inside a UUID's shape.
/// </para>
/// <para>
/// <b>Judging what is left.</b> 13 to 19 digits (the lengths card networks issue; ISO/IEC 7812-1 caps a PAN at
/// 19) passing the Luhn check (ISO/IEC 7812-1 Annex B): masked. More than 19: masked whole, since a card number
/// joined to other digits cannot be told apart and roughly one window in ten passes Luhn by chance. 13 to 19
/// that fail Luhn: every sequence of whole groups within them of 13 to 19 digits that passes Luhn is masked,
/// each keeping its own first six and last four, since a card number joined by one separator to a short number
/// (<c>qty 2 4111 1111 1111 1111</c>, or an id's counter left beside a card number once the id's hex word is set
/// aside) would otherwise hide in a run that fails; all of them, because a sequence passing Luhn by chance can
/// overlap the card number in part. If none passes, the run is left alone, so that numbers and merchant
/// identifiers stay readable. Fewer than 13: left alone. Id parts set aside are never counted: an id's digits
/// are not masked for their length alone.
/// </para>
/// <para>
/// Masking keeps the length and the separators, the first six and the last four digits:
/// <c>4111 1111 1111 1111</c> becomes <c>4111 11** **** 1111</c>. Masked text contains <c>*</c>, which no run
/// crosses, so masking twice changes nothing more. The masker allocates nothing.
/// </para>
/// </remarks>
public static class PanMasker
{
    private const int MinimumDigits = 13; // the shortest PANs in use (Visa's 13); ISO/IEC 7812-1 caps them at 19
    private const int MaximumDigits = 19;
    private const int KeptFirst = 6; // PCI DSS 3.4.1: the BIN (first six) and last four may be displayed
    private const int KeptLast = 4;
    private const int UuidLength = 36;
    private const int MinimumHexWordLength = 8;

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>Masks every PAN-like run in <paramref name="text"/> in place; returns how many were masked.</summary>
    public static int MaskInPlace(Span<byte> text)
    {
        // Fewer bytes than a card number has digits (codes, types, short ids): decided at once.
        if (text.Length < MinimumDigits)
        {
            return 0;
        }

        var masked = 0;
        var i = 0;
        while (i < text.Length)
        {
            // A byte loop, not IndexOfAnyInRange: most strings here are short fields with short gaps between
            // digits (ids, timestamps), where a vectorised search's set-up costs more than it saves (measured).
            if (!IsDigit(text[i]))
            {
                i++;
                continue;
            }

            // A run: digits, each pair possibly joined by one separator.
            var start = i;
            var end = start + 1;
            var digits = 1;
            while (end < text.Length)
            {
                if (IsDigit(text[end]))
                {
                    end++;
                    digits++;
                }
                else if (IsSeparator(text[end]) && end + 1 < text.Length && IsDigit(text[end + 1]))
                {
                    end += 2;
                    digits++;
                }
                else
                {
                    break;
                }
            }

            i = end;
            if (digits >= MinimumDigits)
            {
                masked += MaskRun(text, start, end);
            }
        }

        return masked;
    }

    /// <summary>Sets aside the id parts at the ends of the run [start, end) of <paramref name="text"/>, then judges the rest.</summary>
    private static int MaskRun(Span<byte> text, int start, int end)
    {
        while (start < end)
        {
            var groupEnd = start;
            while (groupEnd < end && IsDigit(text[groupEnd]))
            {
                groupEnd++;
            }

            if (!IsIdPart(text, start, groupEnd))
            {
                break;
            }

            start = groupEnd + 1; // past the separator (or past end: nothing left)
        }

        while (start < end)
        {
            var groupStart = end;
            while (groupStart > start && IsDigit(text[groupStart - 1]))
            {
                groupStart--;
            }

            if (!IsIdPart(text, groupStart, end))
            {
                break;
            }

            end = groupStart - 1; // before the separator
        }

        if (start >= end)
        {
            return 0;
        }

        var run = text[start..end];
        var digits = CountDigits(run);
        if (digits < MinimumDigits)
        {
            return 0;
        }

        if (digits > MaximumDigits || PassesLuhn(run))
        {
            MaskDigits(run, digits);
            return 1;
        }

        return MaskCardInGroups(run);
    }

    /// <summary>Masks every sequence of whole groups of <paramref name="run"/> that is a card number (see the remarks).</summary>
    private static int MaskCardInGroups(Span<byte> run)
    {
        // Which bytes to hide, decided on the unmasked digits first: a window that passes Luhn by chance can overlap
        // the real card number only in part, so masking only one window could leave more than six and four showing.
        // A run of 13 to 19 digits with single separators is at most 37 bytes.
        Span<bool> hide = stackalloc bool[run.Length];
        var found = false;
        for (var first = 0; first < run.Length; first = NextGroup(run, first))
        {
            for (var last = run.Length; last > first; last = PreviousGroupEnd(run, last))
            {
                var window = run[first..last];
                var digits = CountDigits(window);
                if (digits < MinimumDigits)
                {
                    break; // shorter windows from this start only lose digits
                }

                if (digits <= MaximumDigits && PassesLuhn(window))
                {
                    found = true;
                    var index = 0;
                    for (var i = first; i < last; i++)
                    {
                        if (IsDigit(run[i]))
                        {
                            hide[i] |= index >= KeptFirst && index < digits - KeptLast;
                            index++;
                        }
                    }
                }
            }
        }

        for (var i = 0; i < run.Length; i++)
        {
            if (hide[i])
            {
                run[i] = (byte)'*';
            }
        }

        return found ? 1 : 0;
    }

    /// <summary>The start of the group after the one at <paramref name="at"/>, or the run's length.</summary>
    private static int NextGroup(ReadOnlySpan<byte> run, int at)
    {
        while (at < run.Length && IsDigit(run[at]))
        {
            at++;
        }

        return at + 1;
    }

    /// <summary>The end of the group before the one ending at <paramref name="end"/>, or 0.</summary>
    private static int PreviousGroupEnd(ReadOnlySpan<byte> run, int end)
    {
        while (end > 0 && IsDigit(run[end - 1]))
        {
            end--;
        }

        return end - 1;
    }

    private static int CountDigits(ReadOnlySpan<byte> run)
    {
        var digits = 0;
        foreach (var b in run)
        {
            digits += IsDigit(b) ? 1 : 0;
        }

        return digits;
    }

    /// <summary>Replaces every digit of <paramref name="run"/> but the first six and last four with <c>*</c>.</summary>
    private static void MaskDigits(Span<byte> run, int digits)
    {
        var index = 0;
        for (var i = 0; i < run.Length; i++)
        {
            if (IsDigit(run[i]))
            {
                if (index >= KeptFirst && index < digits - KeptLast)
                {
                    run[i] = (byte)'*';
                }

                index++;
            }
        }
    }

    /// <summary>Whether the digit group [start, end) of <paramref name="text"/> is part of an id (see the remarks).</summary>
    private static bool IsIdPart(ReadOnlySpan<byte> text, int start, int end) =>
        end - start < MinimumDigits && (IsInHexWord(text, start, end) || IsInUuid(text, start, end));

    private static bool IsInHexWord(ReadOnlySpan<byte> text, int start, int end)
    {
        // 4 to 6 digits: how card numbers are grouped when written (13 or more never get here: a card number on its own).
        if (end - start is >= 4 and <= 6)
        {
            return false;
        }

        var wordStart = start;
        while (wordStart > 0 && IsLetterOrDigit(text[wordStart - 1]))
        {
            wordStart--;
        }

        var wordEnd = end;
        while (wordEnd < text.Length && IsLetterOrDigit(text[wordEnd]))
        {
            wordEnd++;
        }

        // Glued means a letter touches the group: any neighbour in the word is one, as digits would be in the group.
        var glued = wordStart < start || wordEnd > end;
        var word = text[wordStart..wordEnd];
        return glued && word.Length >= MinimumHexWordLength && !word.ContainsAnyExcept(HexDigits);
    }

    private static bool IsInUuid(ReadOnlySpan<byte> text, int start, int end)
    {
        // A UUID is hex digits and hyphens throughout: only a stretch of them 36 long or more can hold one.
        var stretchStart = start;
        while (stretchStart > 0 && IsHexOrHyphen(text[stretchStart - 1]))
        {
            stretchStart--;
        }

        var stretchEnd = end;
        while (stretchEnd < text.Length && IsHexOrHyphen(text[stretchEnd]))
        {
            stretchEnd++;
        }

        for (var at = Math.Max(stretchStart, end - UuidLength); at <= start && at + UuidLength <= stretchEnd; at++)
        {
            if (IsUuidAt(text, at))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUuidAt(ReadOnlySpan<byte> text, int at)
    {
        var uuid = text.Slice(at, UuidLength);
        if (uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-'
            || (at > 0 && IsLetterOrDigit(text[at - 1]))
            || (at + UuidLength < text.Length && IsLetterOrDigit(text[at + UuidLength])))
        {
            return false;
        }

        return !uuid[..8].ContainsAnyExcept(HexDigits) && !uuid[9..13].ContainsAnyExcept(HexDigits)
            && !uuid[14..18].ContainsAnyExcept(HexDigits) && !uuid[19..23].ContainsAnyExcept(HexDigits)
            && !uuid[24..].ContainsAnyExcept(HexDigits);
    }

    /// <summary>The Luhn check (ISO/IEC 7812-1 Annex B) over the digits of <paramref name="run"/>, separators skipped.</summary>
    private static bool PassesLuhn(ReadOnlySpan<byte> run)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = run.Length - 1; i >= 0; i--)
        {
            if (!IsDigit(run[i]))
            {
                continue;
            }

            var digit = run[i] - '0';
            if (doubleIt)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsSeparator(byte b) => b is (byte)' ' or (byte)'-';

    private static bool IsHexOrHyphen(byte b) => b == (byte)'-' || char.IsAsciiHexDigit((char)b);

    private static bool IsLetterOrDigit(byte b) => char.IsAsciiLetterOrDigit((char)b);
}
