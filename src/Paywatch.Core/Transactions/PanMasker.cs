namespace Paywatch.Core.Transactions;

/// <summary>
/// Masks anything that looks like a primary account number (PAN) so that no more than the first six and last
/// four digits ever leave the processor (PCI DSS requirement 3.4's display limit).
/// </summary>
/// <remarks>
/// A PAN candidate is a run of 13 to 19 digits, optionally grouped by single spaces or hyphens, that passes the
/// Luhn check (ISO/IEC 7812); runs of 13 to 19 digits that fail Luhn are left alone so that numeric order or
/// merchant identifiers stay readable. Runs of more than 19 digits are always masked. Masking keeps the length and separators: <c>4111 1111 1111 1111</c> becomes
/// <c>4111 11** **** 1111</c>.
/// </remarks>
public static class PanMasker
{
    private const int MinimumDigits = 13;
    private const int MaximumDigits = 19;

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
            if (!IsDigit(text[i]))
            {
                i++;
                continue;
            }

            // A run: digits, each pair possibly joined by one separator.
            var start = i;
            var end = i + 1;
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
            if (digits < MinimumDigits)
            {
                continue; // too short to be a card number
            }

            masked += MaskRun(text[start..end]);
        }

        return masked;
    }

    // A run of 13..19 digits is masked when it passes Luhn. A longer run cannot be one PAN but can hide one
    // glued to other digits, and roughly one window in ten passes Luhn by chance, so it is masked whole
    // (first 6 / last 4 kept): safe, and predictable for whoever reads the output.
    private static int MaskRun(Span<byte> run)
    {
        Span<int> positions = run.Length <= 256 ? stackalloc int[run.Length] : new int[run.Length];
        var digits = 0;
        for (var i = 0; i < run.Length; i++)
        {
            if (IsDigit(run[i]))
            {
                positions[digits++] = i;
            }
        }

        positions = positions[..digits];
        if (digits < MinimumDigits || (digits <= MaximumDigits && !PassesLuhn(run, positions)))
        {
            return 0;
        }

        foreach (var position in positions[6..^4])
        {
            run[position] = (byte)'*';
        }

        return 1;
    }

    private static bool PassesLuhn(ReadOnlySpan<byte> run, ReadOnlySpan<int> digitPositions)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digitPositions.Length - 1; i >= 0; i--)
        {
            var digit = run[digitPositions[i]] - '0';
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
}
