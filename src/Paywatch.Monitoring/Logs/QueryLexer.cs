namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Splits a query into tokens. <c>#</c> starts a comment to the end of the line. A <c>/</c> starts a regex
/// literal only where a pattern is expected (after <c>like</c>, <c>=~</c>, and as <c>parse</c>'s pattern);
/// elsewhere it is division.
/// </summary>
internal static class QueryLexer
{
    private static readonly string[] Symbols = ["!=", "<=", ">=", "=~", "=", "<", ">", "|", ",", "(", ")", "[", "]", "+", "-", "*", "/", "%", "^"];

    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (true)
        {
            while (i < query.Length && (char.IsWhiteSpace(query[i]) || query[i] == '#'))
            {
                if (query[i] == '#')
                {
                    while (i < query.Length && query[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }

            if (i >= query.Length)
            {
                tokens.Add(new QueryToken(TokenKind.End, "", query.Length, query.Length));
                return tokens;
            }

            var token = Next(query, i, tokens);
            tokens.Add(token);
            i = token.End;
        }
    }

    private static QueryToken Next(string query, int start, List<QueryToken> previous)
    {
        var c = query[start];
        if (c is '"' or '\'')
        {
            return Quoted(query, start, c, TokenKind.String);
        }

        if (c == '`')
        {
            return Quoted(query, start, c, TokenKind.QuotedIdentifier);
        }

        if (c == '/' && RegexExpected(previous))
        {
            return Quoted(query, start, '/', TokenKind.Regex);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && start + 1 < query.Length && char.IsAsciiDigit(query[start + 1])))
        {
            return NumberOrPeriod(query, start);
        }

        if (IsIdentifierStart(c))
        {
            var end = start + 1;
            while (end < query.Length && IsIdentifierPart(query[end]))
            {
                end++;
            }

            return new QueryToken(TokenKind.Identifier, query[start..end], start, end);
        }

        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(query, start, symbol, 0, symbol.Length) == 0)
            {
                return new QueryToken(TokenKind.Symbol, symbol, start, start + symbol.Length);
            }
        }

        throw new InvalidQueryException($"unexpected '{c}' at {start + 1}", start + 1);
    }

    private static bool RegexExpected(List<QueryToken> previous)
    {
        if (previous.Count == 0)
        {
            return false;
        }

        var last = previous[^1];
        if (last.IsKeyword("like") || last.IsSymbol("=~") || last.IsKeyword("parse"))
        {
            return true;
        }

        // parse <field> /regex/
        return previous.Count >= 2 && last.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier && previous[^2].IsKeyword("parse");
    }

    // Strings, `quoted names` and /regexes/; a backslash escapes the closing quote (and, in strings, itself).
    private static QueryToken Quoted(string query, int start, char quote, TokenKind kind)
    {
        var text = new StringBuilder();
        for (var i = start + 1; i < query.Length; i++)
        {
            var c = query[i];
            if (c == quote)
            {
                return new QueryToken(kind, text.ToString(), start, i + 1);
            }

            if (c == '\\' && i + 1 < query.Length)
            {
                var next = query[i + 1];
                if (next == quote)
                {
                    text.Append(next);
                    i++;
                    continue;
                }

                if (kind == TokenKind.String)
                {
                    text.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                    i++;
                    continue;
                }
            }

            text.Append(c);
        }

        var what = kind switch { TokenKind.Regex => "regex", TokenKind.QuotedIdentifier => "quoted field name", _ => "string" };
        throw new InvalidQueryException($"unterminated {what} starting at {start + 1}", start + 1);
    }

    private static QueryToken NumberOrPeriod(string query, int start)
    {
        var end = start;
        while (end < query.Length && char.IsAsciiDigit(query[end]))
        {
            end++;
        }

        if (end < query.Length && query[end] == '.' && end + 1 < query.Length && char.IsAsciiDigit(query[end + 1]))
        {
            end++;
            while (end < query.Length && char.IsAsciiDigit(query[end]))
            {
                end++;
            }
        }

        if (end < query.Length && query[end] is 'e' or 'E')
        {
            var exponent = end + 1;
            if (exponent < query.Length && query[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < query.Length && char.IsAsciiDigit(query[exponent]))
            {
                end = exponent;
                while (end < query.Length && char.IsAsciiDigit(query[end]))
                {
                    end++;
                }
            }
        }

        // 5m, 30s, 1h: a period, as bin() takes.
        if (end < query.Length && char.IsAsciiLetter(query[end]))
        {
            var unitEnd = end;
            while (unitEnd < query.Length && char.IsAsciiLetter(query[unitEnd]))
            {
                unitEnd++;
            }

            return new QueryToken(TokenKind.Period, query[start..unitEnd], start, unitEnd);
        }

        return new QueryToken(TokenKind.Number, query[start..end], start, end);
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '@' or '$';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '@' or '$' or '.';
}
