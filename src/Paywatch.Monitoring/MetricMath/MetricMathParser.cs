namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// Recursive-descent parser for CloudWatch metric math
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
/// </summary>
/// <remarks>
/// <para>
/// Ids "can include numbers, letters, an underscore, and must start with a lowercase letter"; "All functions must
/// be written in uppercase letters". So a word starting with a lowercase letter is an id, one starting with an
/// uppercase letter is a function or keyword.
/// </para>
/// <para>
/// The guide gives no operator precedence. We use the usual one, loosest first: OR/||, AND/&amp;&amp;, comparisons,
/// + and -, * and /, unary minus, ^ (right-associative, so -2^2 is -4 and 2^3^2 is 512). The guide's logical
/// operators are AND, &amp;&amp;, OR and ||; it has no NOT, so NOT is rejected (write <c>x == 0</c>).
/// </para>
/// </remarks>
internal sealed class MetricMathParser
{
    /// <summary>
    /// How deep an expression may nest: parentheses, lists, function calls, unary minus, <c>^</c>, and each further
    /// operand of a chain such as <c>a + b + c</c>. Parsing and evaluating recurse once per level, so this keeps a
    /// hostile expression (a widget's, through the web API) from overflowing the stack. AWS documents no such limit;
    /// an expression is at most 2,048 characters (MetricDataQuery.Expression).
    /// </summary>
    public const int MaxNesting = 128;

    private int _depth;
    private readonly string _text;
    private readonly List<string> _ids = [];
    private int _position;

    private MetricMathParser(string text)
    {
        _text = text;
    }

    public static (MathNode Root, IReadOnlyList<string> Ids) Parse(string text)
    {
        var parser = new MetricMathParser(text);
        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            throw new InvalidMetricMathException("the expression is empty", position: null);
        }

        var root = parser.ParseOr();
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            throw parser.Error(parser.Current == ')' ? "unexpected ')' without a matching '('" : $"unexpected '{parser.Current}'; expected an operator or the end of the expression");
        }

        return (root, parser._ids.Distinct(StringComparer.Ordinal).ToList());
    }

    private bool AtEnd => _position >= _text.Length;

    /// <summary>One level deeper (<see cref="MaxNesting"/>); the caller restores the depth it started at.</summary>
    private void Nest()
    {
        if (++_depth > MaxNesting)
        {
            throw Error($"the expression nests deeper than {MaxNesting} levels (parentheses, lists, calls, operators)");
        }
    }

    private MathNode Nested(Func<MathNode> parse)
    {
        var depth = _depth;
        Nest();
        var node = parse();
        _depth = depth;
        return node;
    }

    private char Current => _text[_position];

    private MathNode ParseOr()
    {
        var depth = _depth;
        var left = ParseAnd();
        while (TryRead("||") || TryReadWord("OR"))
        {
            Nest();
            left = new BinaryNode(left, ParseAnd(), (a, b) => SeriesArithmetic.Truth(SeriesArithmetic.IsTrue(a) || SeriesArithmetic.IsTrue(b)));
        }

        _depth = depth;
        return left;
    }

    private MathNode ParseAnd()
    {
        var depth = _depth;
        var left = ParseComparison();
        while (TryRead("&&") || TryReadWord("AND"))
        {
            Nest();
            left = new BinaryNode(left, ParseComparison(), (a, b) => SeriesArithmetic.Truth(SeriesArithmetic.IsTrue(a) && SeriesArithmetic.IsTrue(b)));
        }

        _depth = depth;
        return left;
    }

    private MathNode ParseComparison()
    {
        var depth = _depth;
        var left = ParseAdditive();
        while (true)
        {
            // Two-character operators first, so "<=" is not read as "<".
            Func<double, double, double>? comparison =
                TryRead("==") ? (a, b) => SeriesArithmetic.Truth(a == b)
                : TryRead("!=") ? (a, b) => SeriesArithmetic.Truth(a != b)
                : TryRead("<=") ? (a, b) => SeriesArithmetic.Truth(a <= b)
                : TryRead(">=") ? (a, b) => SeriesArithmetic.Truth(a >= b)
                : TryRead("<") ? (a, b) => SeriesArithmetic.Truth(a < b)
                : TryRead(">") ? (a, b) => SeriesArithmetic.Truth(a > b)
                : null;
            if (comparison is null)
            {
                _depth = depth;
                return left;
            }

            Nest();
            left = new BinaryNode(left, ParseAdditive(), comparison);
        }
    }

    private MathNode ParseAdditive()
    {
        var depth = _depth;
        var left = ParseMultiplicative();
        while (true)
        {
            if (TryRead("+"))
            {
                Nest();
                left = new BinaryNode(left, ParseMultiplicative(), (a, b) => a + b);
            }
            else if (TryRead("-"))
            {
                Nest();
                left = new BinaryNode(left, ParseMultiplicative(), (a, b) => a - b);
            }
            else
            {
                _depth = depth;
                return left;
            }
        }
    }

    private MathNode ParseMultiplicative()
    {
        var depth = _depth;
        var left = ParseUnary();
        while (true)
        {
            if (TryRead("*"))
            {
                Nest();
                left = new BinaryNode(left, ParseUnary(), (a, b) => a * b);
            }
            else if (TryRead("/"))
            {
                Nest();
                left = new BinaryNode(left, ParseUnary(), (a, b) => a / b);
            }
            else
            {
                _depth = depth;
                return left;
            }
        }
    }

    private MathNode ParseUnary() => TryRead("-") ? new NegateNode(Nested(ParseUnary)) : ParsePower();

    private MathNode ParsePower()
    {
        var baseNode = ParsePrimary();
        return TryRead("^") ? new BinaryNode(baseNode, Nested(ParseUnary), Math.Pow) : baseNode;
    }

    private MathNode ParsePrimary()
    {
        SkipWhitespace();
        if (AtEnd)
        {
            throw Error("expected a number, an id, '(' or a function but the expression ended");
        }

        var start = _position;
        var c = Current;
        if (c == '(')
        {
            _position++;
            var inner = Nested(ParseOr);
            Expect(')');
            return inner;
        }

        if (c == '[')
        {
            _position++;
            var items = new List<MathNode> { Nested(ParseOr) };
            while (TryRead(","))
            {
                items.Add(Nested(ParseOr));
            }

            Expect(']');
            return new ListNode(items);
        }

        if (char.IsAsciiDigit(c) || c == '.')
        {
            return new NumberNode(ReadNumber());
        }

        if (char.IsAsciiLetterLower(c))
        {
            var id = ReadWord();
            SkipWhitespace();
            if (!AtEnd && Current == '(')
            {
                throw Error($"unknown function '{id}'; functions are written in uppercase", start);
            }

            _ids.Add(id);
            return new IdNode(id);
        }

        if (char.IsAsciiLetterUpper(c))
        {
            var name = ReadWord();
            return Nested(() => ParseFunction(name, start));
        }

        throw Error($"unexpected '{c}'; expected a number, an id, '(' or a function");
    }

    private MathNode ParseFunction(string name, int start)
    {
        switch (name)
        {
            case "NOT":
                throw Error("NOT is not a metric math operator; the logical operators are AND, &&, OR and ||", start);
            case "AND" or "OR":
                throw Error($"expected an operand before {name}", start);
            case "REPEAT" or "LINEAR":
                throw Error($"{name} is only valid as the second argument of FILL", start);
        }

        if (name is not ("FILL" or "IF" or "ABS" or "CEIL" or "FLOOR" or "SUM" or "AVG" or "MIN" or "MAX" or "METRICS"))
        {
            throw Error($"unknown function '{name}'", start);
        }

        Expect('(');
        switch (name)
        {
            case "METRICS":
                string? filter = null;
                SkipWhitespace();
                if (!AtEnd && Current == '"')
                {
                    filter = ReadString();
                }

                Expect(')');
                return new MetricsNode(filter);
            case "FILL":
                var target = ParseOr();
                Expect(',');
                FillNode fill;
                if (TryReadWord("REPEAT"))
                {
                    fill = new FillNode(target, FillMode.Repeat, null);
                }
                else if (TryReadWord("LINEAR"))
                {
                    fill = new FillNode(target, FillMode.Linear, null);
                }
                else
                {
                    fill = new FillNode(target, FillMode.Value, ParseOr());
                }

                Expect(')');
                return fill;
            case "IF":
                var condition = ParseOr();
                Expect(',');
                var whenTrue = ParseOr();
                var whenFalse = TryRead(",") ? ParseOr() : null;
                Expect(')');
                return new IfNode(condition, whenTrue, whenFalse);
            default:
                var argument = ParseOr();
                Expect(')');
                return name switch
                {
                    "ABS" => new PointwiseFunctionNode(argument, Math.Abs),
                    "CEIL" => new PointwiseFunctionNode(argument, Math.Ceiling),
                    "FLOOR" => new PointwiseFunctionNode(argument, Math.Floor),
                    _ => new AggregateNode(name, argument),
                };
        }
    }

    private double ReadNumber()
    {
        var start = _position;
        while (!AtEnd && (char.IsAsciiDigit(Current) || Current == '.'))
        {
            _position++;
        }

        if (!AtEnd && Current is 'e' or 'E')
        {
            var save = _position;
            _position++;
            if (!AtEnd && Current is '+' or '-')
            {
                _position++;
            }

            if (AtEnd || !char.IsAsciiDigit(Current))
            {
                _position = save;
            }

            while (!AtEnd && char.IsAsciiDigit(Current))
            {
                _position++;
            }
        }

        var text = _text[start.._position];
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error($"'{text}' is not a number", start);
        }

        return value;
    }

    private string ReadWord()
    {
        var start = _position;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '_'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private string ReadString()
    {
        var open = _position;
        var close = _text.IndexOf('"', open + 1);
        if (close < 0)
        {
            throw Error("unterminated string; expected a closing '\"'", open);
        }

        _position = close + 1;
        return _text[(open + 1)..close];
    }

    private bool TryRead(string symbol)
    {
        SkipWhitespace();
        if (string.CompareOrdinal(_text, _position, symbol, 0, symbol.Length) == 0)
        {
            _position += symbol.Length;
            return true;
        }

        return false;
    }

    private bool TryReadWord(string word)
    {
        SkipWhitespace();
        var start = _position;
        if (!AtEnd && char.IsAsciiLetterUpper(Current) && ReadWord() == word)
        {
            return true;
        }

        _position = start;
        return false;
    }

    private void Expect(char expected)
    {
        SkipWhitespace();
        if (AtEnd || Current != expected)
        {
            throw Error(AtEnd ? $"expected '{expected}' but the expression ended" : $"expected '{expected}' but found '{Current}'");
        }

        _position++;
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }

    private InvalidMetricMathException Error(string reason) => Error(reason, _position);

    private static InvalidMetricMathException Error(string reason, int index) => new(reason, index + 1);
}
