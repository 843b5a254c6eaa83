namespace Paywatch.Patterns;

/// <summary>
/// A <c>wildcard</c> pattern: <c>*</c> matches any run of characters, including none. <c>\*</c> is a literal
/// asterisk and <c>\\</c> a literal backslash; any other escape, and two wildcards in a row, are invalid
/// (EventBridge's "Wildcard matching" rules).
/// </summary>
internal sealed class Wildcard
{
    // The literal pieces between the wildcards, as UTF-8: "a*b*" is ["a", "b", ""].
    private readonly byte[][] _pieces;

    private Wildcard(string text, byte[][] pieces)
    {
        Text = text;
        _pieces = pieces;
    }

    public string Text { get; }

    public static bool TryParse(string text, out Wildcard? wildcard, out string? error)
    {
        wildcard = null;
        var pieces = new List<byte[]>();
        var current = new StringBuilder();
        var previousWasWildcard = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '*')
            {
                if (previousWasWildcard)
                {
                    // Positions count from the opening quote of the JSON string, as EventBridge reports them.
                    error = $"Consecutive wildcard characters at pos {i}";
                    return false;
                }

                pieces.Add(Encoding.UTF8.GetBytes(current.ToString()));
                current.Clear();
                previousWasWildcard = true;
                continue;
            }

            previousWasWildcard = false;
            if (c == '\\')
            {
                if (i + 1 >= text.Length || (text[i + 1] != '*' && text[i + 1] != '\\'))
                {
                    error = $"Invalid escape character at pos {i + 1}";
                    return false;
                }

                i++;
                c = text[i];
            }

            current.Append(c);
        }

        pieces.Add(Encoding.UTF8.GetBytes(current.ToString()));
        wildcard = new Wildcard(text, [.. pieces]);
        error = null;
        return true;
    }

    public bool Matches(ReadOnlySpan<byte> value)
    {
        var first = _pieces[0];
        if (_pieces.Length == 1)
        {
            return value.SequenceEqual(first);
        }

        var last = _pieces[^1];
        if (value.Length < first.Length + last.Length || !value.StartsWith(first) || !value.EndsWith(last))
        {
            return false;
        }

        // With only '*' wildcards, taking each middle piece at its leftmost occurrence never loses a match.
        var rest = value[first.Length..^last.Length];
        for (var i = 1; i < _pieces.Length - 1; i++)
        {
            var at = rest.IndexOf(_pieces[i]);
            if (at < 0)
            {
                return false;
            }

            rest = rest[(at + _pieces[i].Length)..];
        }

        return true;
    }
}
