namespace Paywatch.Monitoring.Logs;

internal enum TokenKind
{
    Identifier,
    QuotedIdentifier,
    Number,
    Period,
    String,
    Regex,
    Symbol,
    End,
}

/// <summary>One token of a query; <see cref="Start"/> is a 0-based offset, error messages show it 1-based.</summary>
internal sealed record QueryToken(TokenKind Kind, string Text, int Start, int End)
{
    public int Position => Start + 1;

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public bool IsKeyword(string keyword) => Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of query",
        TokenKind.String => $"\"{Text}\"",
        TokenKind.Regex => $"/{Text}/",
        TokenKind.QuotedIdentifier => $"`{Text}`",
        _ => $"'{Text}'",
    };
}
