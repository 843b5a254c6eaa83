namespace Paywatch.Patterns;

/// <summary>
/// The case-insensitive form of a string for <c>equals-ignore-case</c> (alone, or inside <c>prefix</c>,
/// <c>suffix</c> and <c>anything-but</c>): each character mapped to lower case by Unicode's invariant rules.
/// </summary>
internal static class CaseFolding
{
    public static byte[] Fold(string text) => Encoding.UTF8.GetBytes(text.ToLowerInvariant());

    /// <summary>Folds UTF-8 <paramref name="value"/> into <paramref name="buffer"/>, growing it when needed.</summary>
    public static ReadOnlySpan<byte> Fold(ReadOnlySpan<byte> value, ref byte[] buffer)
    {
        if (buffer.Length < value.Length * 3)
        {
            buffer = new byte[Math.Max(value.Length * 3, 256)];
        }

        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b >= 0x80)
            {
                // Not ASCII: fold through UTF-16 (lower-casing can change a character's UTF-8 length).
                var folded = Encoding.UTF8.GetString(value).ToLowerInvariant();
                var length = Encoding.UTF8.GetBytes(folded, buffer);
                return buffer.AsSpan(0, length);
            }

            buffer[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }

        return buffer.AsSpan(0, value.Length);
    }
}
