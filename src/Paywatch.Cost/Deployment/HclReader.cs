using System.Globalization;
using System.Text;

namespace Paywatch.Cost.Deployment;

/// <summary>
/// Reads the subset of HCL that infra/'s variables, lambda.tf and .tfvars files use: blocks with labels, and attributes whose
/// values are string, number, bool and null literals, lists and maps of them. Any other expression (a reference, a function
/// call, an operator) is kept as its text in an <see cref="HclExpression"/>, unevaluated. Comments (<c>#</c>, <c>//</c>,
/// <c>/* */</c>) are skipped. Checked against HashiCorp's parser (@cdktf/hcl2json) on infra/'s files by tests.
/// </summary>
/// <remarks>
/// Values are <see cref="string"/>, <see cref="double"/>, <see cref="bool"/>, null, <see cref="List{T}"/> of values,
/// <see cref="Dictionary{TKey,TValue}"/> of name to value, or <see cref="HclExpression"/>. A string with a <c>${...}</c> template
/// keeps it as text, as hcl2json does. Heredocs are not read.
/// </remarks>
public sealed class HclReader
{
    private readonly string _text;
    private int _at;

    private HclReader(string text) => _text = text;

    /// <summary>Reads a file's top-level body.</summary>
    /// <exception cref="FormatException">The text is outside the subset; the message gives the line.</exception>
    public static HclBody Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new HclReader(text);
        var body = reader.ReadBody(closing: false);
        return body;
    }

    private HclBody ReadBody(bool closing)
    {
        var body = new HclBody();
        while (true)
        {
            SkipSpace(newlines: true);
            if (_at >= _text.Length)
            {
                return closing ? throw Error("'}' expected before the end") : body;
            }

            if (_text[_at] == '}')
            {
                if (!closing)
                {
                    throw Error("unexpected '}'");
                }

                _at++;
                return body;
            }

            var name = ReadIdentifier();
            SkipSpace(newlines: false);
            if (Peek() == '=' && Peek(1) != '=')
            {
                _at++;
                body.Attributes[name] = ReadExpression();
                EndOfItem();
                continue;
            }

            var labels = new List<string>();
            while (Peek() != '{')
            {
                labels.Add(Peek() == '"' ? ReadString() : ReadIdentifier());
                SkipSpace(newlines: false);
            }

            _at++;
            body.Blocks.Add(new HclBlock(name, labels, ReadBody(closing: true)));
        }
    }

    private object? ReadExpression()
    {
        SkipSpace(newlines: false);
        var start = _at;
        var value = ReadLiteral(out var isLiteral);
        if (isLiteral)
        {
            SkipSpace(newlines: false);
            if (AtEndOfValue())
            {
                return value;
            }
        }

        _at = start;
        return new HclExpression(ReadRawExpression());
    }

    private object? ReadLiteral(out bool isLiteral)
    {
        isLiteral = true;
        var c = Peek();
        if (c == '"')
        {
            return ReadString();
        }

        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(Peek(1))))
        {
            return ReadNumber();
        }

        if (c == '[')
        {
            _at++;
            var list = new List<object?>();
            while (true)
            {
                SkipSpace(newlines: true);
                if (Peek() == ']')
                {
                    _at++;
                    return list;
                }

                list.Add(ReadExpression());
                SkipSpace(newlines: true);
                if (Peek() == ',')
                {
                    _at++;
                }
            }
        }

        if (c == '{')
        {
            if (StartsForExpression(_at + 1))
            {
                // { for k, v in x : k => v }: an expression, kept as text.
                isLiteral = false;
                return null;
            }

            _at++;
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace(newlines: true);
                if (Peek() == '}')
                {
                    _at++;
                    return map;
                }

                var key = Peek() == '"' ? ReadString() : ReadIdentifier();
                SkipSpace(newlines: false);
                if (Peek() is not ('=' or ':'))
                {
                    throw Error($"'=' or ':' expected after map key '{key}'");
                }

                _at++;
                map[key] = ReadExpression();
                SkipSpace(newlines: true);
                if (Peek() == ',')
                {
                    _at++;
                }
            }
        }

        if (char.IsAsciiLetter(c))
        {
            var word = ReadIdentifier();
            switch (word)
            {
                case "true":
                    return true;
                case "false":
                    return false;
                case "null":
                    return null;
            }
        }

        isLiteral = false;
        return null;
    }

    private bool StartsForExpression(int at)
    {
        while (at < _text.Length && char.IsWhiteSpace(_text[at]))
        {
            at++;
        }

        return _text.AsSpan(at).StartsWith("for ", StringComparison.Ordinal);
    }

    /// <summary>An expression outside the subset, as text: up to the end of the line, a ',' or an unmatched closing bracket.</summary>
    private string ReadRawExpression()
    {
        var start = _at;
        var depth = 0;
        while (_at < _text.Length)
        {
            var c = _text[_at];
            if (c == '"')
            {
                ReadString();
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (depth == 0 && (c is '\n' or ',' || IsCommentStart()))
            {
                break;
            }

            _at++;
        }

        return _text[start.._at].Trim();
    }

    private string ReadString()
    {
        _at++; // the opening quote
        var text = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length || _text[_at] == '\n')
            {
                throw Error("unterminated string");
            }

            var c = _text[_at++];
            if (c == '"')
            {
                return text.ToString();
            }

            if (c == '$' && Peek() == '{')
            {
                // A template interpolation stays as its text, nested quotes and braces included.
                var depth = 0;
                text.Append(c);
                while (_at < _text.Length)
                {
                    var t = _text[_at++];
                    text.Append(t);
                    depth += t == '{' ? 1 : t == '}' ? -1 : 0;
                    if (depth == 0)
                    {
                        break;
                    }
                }

                continue;
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            var escaped = _text[_at++];
            switch (escaped)
            {
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case 'u':
                    text.Append((char)int.Parse(_text.AsSpan(_at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _at += 4;
                    break;
                default: throw Error($"unknown escape '\\{escaped}'");
            }
        }
    }

    private double ReadNumber()
    {
        var start = _at;
        if (Peek() == '-')
        {
            _at++;
        }

        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] is '.' or 'e' or 'E' or '+'
            || (_text[_at] == '-' && _text[_at - 1] is 'e' or 'E')))
        {
            _at++;
        }

        return double.Parse(_text.AsSpan(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private string ReadIdentifier()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '_' or '-'))
        {
            _at++;
        }

        return _at > start ? _text[start.._at] : throw Error($"a name expected, not '{Peek()}'");
    }

    private bool AtEndOfValue() => _at >= _text.Length || _text[_at] is '\n' or '\r' or ',' or ']' or '}' || IsCommentStart();

    private void EndOfItem()
    {
        SkipSpace(newlines: false);
        if (!AtEndOfValue())
        {
            throw Error($"end of line expected, not '{Peek()}'");
        }
    }

    private bool IsCommentStart() => Peek() == '#' || (Peek() == '/' && Peek(1) is '/' or '*');

    private void SkipSpace(bool newlines)
    {
        while (_at < _text.Length)
        {
            var c = _text[_at];
            if (c is ' ' or '\t' or '\r' || (newlines && c == '\n'))
            {
                _at++;
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_at < _text.Length && _text[_at] != '\n')
                {
                    _at++;
                }
            }
            else if (c == '/' && Peek(1) == '*')
            {
                var end = _text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                _at = end < 0 ? throw Error("unterminated comment") : end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek(int ahead = 0) => _at + ahead < _text.Length ? _text[_at + ahead] : '\0';

    private FormatException Error(string message)
    {
        var line = 1 + _text.AsSpan(0, Math.Min(_at, _text.Length)).Count('\n');
        return new FormatException($"HCL line {line}: {message}.");
    }
}

/// <summary>A body: attributes by name, and blocks in order.</summary>
public sealed class HclBody
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    public List<HclBlock> Blocks { get; } = [];

    /// <summary>The first block of a type whose labels start with <paramref name="labels"/>, or null.</summary>
    public HclBlock? Block(string type, params string[] labels) =>
        Blocks.FirstOrDefault(b => b.Type == type && b.Labels.Take(labels.Length).SequenceEqual(labels));
}

/// <summary>A block: <c>type "label" ... { body }</c>.</summary>
public sealed record HclBlock(string Type, IReadOnlyList<string> Labels, HclBody Body);

/// <summary>An expression outside the literal subset, kept as its source text.</summary>
public sealed record HclExpression(string Text);
