using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// A recursive-descent parser for the Logs Insights query language (AWS page "CloudWatch Logs Insights language
/// query syntax" and its pages per command). Commands are separated by <c>|</c>; command, keyword and function names
/// are case-insensitive, field names are not. Operator precedence, loosest first: <c>or</c>; <c>and</c>; <c>not</c>;
/// comparisons, <c>like</c>, <c>=~</c>, <c>in</c>; <c>+ -</c>; <c>* / %</c>; <c>^</c>; unary minus.
/// </summary>
internal sealed class QueryParser
{
    /// <summary>The most rows <c>limit</c> may ask for (AWS page "limit": the maximum is 10,000).</summary>
    public const int MaxLimit = 10_000;

    /// <summary>
    /// How deep an expression may nest: parentheses, function calls, <c>not</c>, unary minus, <c>^</c>, and each
    /// further operand of a chain such as <c>a + b + c</c>. Parsing and evaluating recurse once per level, so this is
    /// what keeps a hostile query (a widget's, through the web API) from overflowing the stack. AWS documents no
    /// such limit; its queries are at most 10,000 characters.
    /// </summary>
    public const int MaxNesting = 128;

    private readonly string _query;
    private readonly List<QueryToken> _tokens;
    private readonly FieldTable _fields;
    private int _next;
    private bool _aggregatesAllowed;
    private bool _insideAggregate;
    private int _depth;

    private QueryParser(string query, FieldTable fields)
    {
        _query = query;
        _fields = fields;
        _tokens = QueryLexer.Tokenize(query);
    }

    public static List<QueryCommand> Parse(string query, FieldTable fields)
    {
        var parser = new QueryParser(query, fields);
        return parser.ParseCommands();
    }

    private QueryToken Current => _tokens[_next];

    private List<QueryCommand> ParseCommands()
    {
        var commands = new List<QueryCommand>();
        if (Current.Kind == TokenKind.End)
        {
            throw new InvalidQueryException("the query is empty", 1);
        }

        while (true)
        {
            commands.Add(ParseCommand());
            if (Current.Kind == TokenKind.End)
            {
                return commands;
            }

            Expect("|");
        }
    }

    private QueryCommand ParseCommand()
    {
        var name = Current;
        if (name.Kind != TokenKind.Identifier)
        {
            throw Unexpected(name, "a command");
        }

        _next++;
        return name.Text.ToLowerInvariant() switch
        {
            "fields" => new FieldsCommand(CommaSeparated(() => ParseNamed(aggregates: false))),
            "display" => new DisplayCommand(CommaSeparated(ParseFieldName)),
            "filter" => new FilterCommand(ParseExpression()),
            "stats" => ParseStats(),
            "sort" => new SortCommand(CommaSeparated(ParseSortKey)),
            "limit" => ParseLimit(),
            "parse" => ParseParse(),
            "dedup" => new DedupCommand(CommaSeparated(ParseFieldName)),
            _ => throw new InvalidQueryException($"unknown command '{name.Text}' at {name.Position}", name.Position),
        };
    }

    private StatsCommand ParseStats()
    {
        var outputs = CommaSeparated(() => ParseNamed(aggregates: true));
        var groups = new List<NamedExpression>();
        if (Current.IsKeyword("by"))
        {
            _next++;
            groups = CommaSeparated(() => ParseNamed(aggregates: false));
        }

        var aggregates = new List<AggregateExpression>();
        foreach (var output in outputs)
        {
            var before = aggregates.Count;
            CollectAggregates(output.Expression, aggregates, output.Name);
            if (aggregates.Count == before)
            {
                throw new InvalidQueryException($"'{output.Name}' in stats uses no aggregate function (count, sum, avg, pct, ...)", 0);
            }
        }

        for (var i = 0; i < aggregates.Count; i++)
        {
            aggregates[i].Index = i;
        }

        return new StatsCommand(outputs, groups, aggregates);
    }

    // Finds the aggregates of a stats output; a field outside any aggregate has no single value per group.
    private static void CollectAggregates(Expression expression, List<AggregateExpression> aggregates, string output)
    {
        switch (expression)
        {
            case AggregateExpression aggregate:
                aggregates.Add(aggregate);
                return;
            case FieldExpression field:
                throw new InvalidQueryException($"field '{field.Name}' in stats output '{output}' must be inside an aggregate function or in 'by'", 0);
        }

        foreach (var child in expression.Children)
        {
            CollectAggregates(child, aggregates, output);
        }
    }

    private LimitCommand ParseLimit()
    {
        var token = Current;
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw Unexpected(token, "a whole number of rows");
        }

        if (count > MaxLimit)
        {
            throw new InvalidQueryException($"limit {count} at {token.Position} is over the maximum of {MaxLimit}", token.Position);
        }

        _next++;
        return new LimitCommand(count);
    }

    // parse [field] "glob * with * stars" as a, b   |   parse [field] /(?<name>regex)/
    private ParseCommand ParseParse()
    {
        Expression source = new FieldExpression(FieldTable.Message, FieldTable.MessageSlot);
        if (Current.Kind is not (TokenKind.String or TokenKind.Regex))
        {
            source = ParsePrimary();
        }

        var pattern = Current;
        _next++;
        if (pattern.Kind == TokenKind.Regex)
        {
            var regex = RegexMatching.Create(pattern.Text, pattern.Position);
            var targets = regex.GetGroupNames()
                .Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .Select(n => new ParseTarget(regex.GroupNumberFromName(n), _fields.Field(n)))
                .ToList();
            if (targets.Count == 0)
            {
                throw new InvalidQueryException($"the parse regex at {pattern.Position} has no named group (?<name>...)", pattern.Position);
            }

            return new ParseCommand(source, regex, targets);
        }

        if (pattern.Kind != TokenKind.String)
        {
            throw Unexpected(pattern, "a glob string or a /regex/");
        }

        var pieces = pattern.Text.Split('*');
        if (!Current.IsKeyword("as"))
        {
            throw Unexpected(Current, "'as' and the names of the parse pattern's fields");
        }

        var asToken = Current;
        _next++;
        var names = CommaSeparated(ParseFieldName);
        if (names.Count != pieces.Length - 1)
        {
            throw new InvalidQueryException(
                $"the parse pattern at {pattern.Position} has {pieces.Length - 1} '*' but {names.Count} names follow 'as' at {asToken.Position}",
                asToken.Position);
        }

        return new ParseCommand(source, RegexMatching.Create(GlobToRegex(pieces), pattern.Position), [.. names.Select((n, i) => new ParseTarget(i + 1, n))]);
    }

    // Each * captures as little as it can, except a trailing one, which takes the rest of the value.
    private static string GlobToRegex(string[] pieces)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pieces.Length; i++)
        {
            regex.Append(Regex.Escape(pieces[i]));
            if (i < pieces.Length - 1)
            {
                regex.Append(i == pieces.Length - 2 && pieces[^1].Length == 0 ? "(.*)" : "(.*?)");
            }
        }

        return regex.ToString();
    }

    private SortKey ParseSortKey()
    {
        var field = ParseFieldName();
        var descending = false;
        if (Current.IsKeyword("desc") || Current.IsKeyword("asc"))
        {
            descending = Current.IsKeyword("desc");
            _next++;
        }

        return new SortKey(field, descending);
    }

    private FieldName ParseFieldName()
    {
        var token = Current;
        if (token.Kind is not (TokenKind.Identifier or TokenKind.QuotedIdentifier))
        {
            throw Unexpected(token, "a field name");
        }

        _next++;
        return _fields.Field(token.Text);
    }

    private NamedExpression ParseNamed(bool aggregates)
    {
        _aggregatesAllowed = aggregates;
        var start = Current.Start;
        var expression = ParseExpression();
        _aggregatesAllowed = false;
        expression.Text = _query[start.._tokens[_next - 1].End];
        var name = expression is FieldExpression field ? field.Name : expression.Text;
        if (Current.IsKeyword("as"))
        {
            _next++;
            name = ParseFieldName().Name;
        }

        return new NamedExpression(expression, name, _fields.Slot(name));
    }

    private List<T> CommaSeparated<T>(Func<T> item)
    {
        var items = new List<T> { item() };
        while (Current.IsSymbol(","))
        {
            _next++;
            items.Add(item());
        }

        return items;
    }

    public Expression ParseExpression() => ParseOr();

    /// <summary>One level deeper (<see cref="MaxNesting"/>); the caller restores the depth it started at.</summary>
    private void Nest()
    {
        if (++_depth > MaxNesting)
        {
            throw new InvalidQueryException($"the expression at {Current.Position} nests deeper than {MaxNesting} levels (parentheses, calls, operators)", Current.Position);
        }
    }

    private Expression Nested(Func<Expression> parse)
    {
        var depth = _depth;
        Nest();
        var expression = parse();
        _depth = depth;
        return expression;
    }

    private Expression ParseOr()
    {
        var depth = _depth;
        var left = ParseAnd();
        while (Current.IsKeyword("or"))
        {
            Nest();
            _next++;
            left = new LogicalExpression(isAnd: false, left, ParseAnd());
        }

        _depth = depth;
        return left;
    }

    private Expression ParseAnd()
    {
        var depth = _depth;
        var left = ParseNot();
        while (Current.IsKeyword("and"))
        {
            Nest();
            _next++;
            left = new LogicalExpression(isAnd: true, left, ParseNot());
        }

        _depth = depth;
        return left;
    }

    private Expression ParseNot()
    {
        if (Current.IsKeyword("not"))
        {
            _next++;
            return new NotExpression(Nested(ParseNot));
        }

        return ParseComparison();
    }

    private Expression ParseComparison()
    {
        var left = ParseAdditive();
        var token = Current;
        if (token.Kind == TokenKind.Symbol && token.Text is "=" or "!=" or "<" or "<=" or ">" or ">=")
        {
            _next++;
            var op = token.Text switch
            {
                "=" => ComparisonOperator.Equal,
                "!=" => ComparisonOperator.NotEqual,
                "<" => ComparisonOperator.Less,
                "<=" => ComparisonOperator.LessOrEqual,
                ">" => ComparisonOperator.Greater,
                _ => ComparisonOperator.GreaterOrEqual,
            };
            return new ComparisonExpression(op, left, ParseAdditive());
        }

        var negated = false;
        if (token.IsKeyword("not") && (_tokens[_next + 1].IsKeyword("like") || _tokens[_next + 1].IsKeyword("in")))
        {
            negated = true;
            _next++;
            token = Current;
        }

        if (token.IsKeyword("like") || token.IsSymbol("=~"))
        {
            _next++;
            var pattern = Current;
            _next++;
            return pattern.Kind switch
            {
                TokenKind.Regex => new MatchExpression(left, null, RegexMatching.Create(pattern.Text, pattern.Position), negated),
                TokenKind.String when token.IsKeyword("like") => new MatchExpression(left, pattern.Text, null, negated),
                _ => throw Unexpected(pattern, token.IsKeyword("like") ? "a string or a /regex/" : "a /regex/"),
            };
        }

        if (token.IsKeyword("in"))
        {
            _next++;
            Expect("[");
            var items = Current.IsSymbol("]") ? [] : CommaSeparated(ParseAdditive);
            Expect("]");
            return new InExpression(left, [.. items], negated);
        }

        return left;
    }

    private Expression ParseAdditive()
    {
        var depth = _depth;
        var left = ParseMultiplicative();
        while (Current.IsSymbol("+") || Current.IsSymbol("-"))
        {
            Nest();
            var op = Current.Text[0];
            _next++;
            left = new ArithmeticExpression(op, left, ParseMultiplicative());
        }

        _depth = depth;
        return left;
    }

    private Expression ParseMultiplicative()
    {
        var depth = _depth;
        var left = ParsePower();
        while (Current.IsSymbol("*") || Current.IsSymbol("/") || Current.IsSymbol("%"))
        {
            Nest();
            var op = Current.Text[0];
            _next++;
            left = new ArithmeticExpression(op, left, ParsePower());
        }

        _depth = depth;
        return left;
    }

    private Expression ParsePower()
    {
        var left = ParseUnary();
        if (Current.IsSymbol("^"))
        {
            _next++;
            return new ArithmeticExpression('^', left, Nested(ParsePower));
        }

        return left;
    }

    private Expression ParseUnary()
    {
        if (Current.IsSymbol("-"))
        {
            _next++;
            return new NegateExpression(Nested(ParseUnary));
        }

        return ParsePrimary();
    }

    private Expression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _next++;
                return new LiteralExpression(LogValue.FromNumber(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture)));
            case TokenKind.String:
                _next++;
                return new LiteralExpression(LogValue.FromString(token.Text));
            case TokenKind.Period:
                _next++;
                return new PeriodExpression(ParsePeriod(token));
            case TokenKind.QuotedIdentifier:
                _next++;
                return new FieldExpression(token.Text, _fields.Slot(token.Text));
            case TokenKind.Identifier when _tokens[_next + 1].IsSymbol("("):
                return ParseCall();
            case TokenKind.Identifier when token.IsKeyword("true") || token.IsKeyword("false"):
                _next++;
                return new LiteralExpression(LogValue.FromBoolean(token.IsKeyword("true")));
            case TokenKind.Identifier when !IsReserved(token):
                _next++;
                return new FieldExpression(token.Text, _fields.Slot(token.Text));
            case TokenKind.Symbol when token.Text == "(":
                _next++;
                var inner = Nested(ParseExpression);
                Expect(")");
                return inner;
            default:
                throw Unexpected(token, "a field, a value or a function");
        }
    }

    private static bool IsReserved(QueryToken token) =>
        token.IsKeyword("and") || token.IsKeyword("or") || token.IsKeyword("not") || token.IsKeyword("as") || token.IsKeyword("by")
        || token.IsKeyword("like") || token.IsKeyword("in");

    private Expression ParseCall()
    {
        var name = Current;
        _next += 2;
        if (Aggregates.TryGet(name.Text, out var kind))
        {
            return ParseAggregate(name, kind);
        }

        var arguments = Current.IsSymbol(")") ? [] : CommaSeparated(() => Nested(ParseExpression));
        Expect(")");
        var lower = name.Text.ToLowerInvariant();
        switch (lower)
        {
            case "bin":
                RequireArguments(name, arguments, 1, 1);
                return new BinExpression(new FieldExpression(FieldTable.Timestamp, FieldTable.TimestampSlot), PeriodArgument(name, arguments[0]));
            case "datefloor" or "dateceil":
                RequireArguments(name, arguments, 2, 2);
                return new DateRoundExpression(arguments[0], PeriodArgument(name, arguments[1]), ceiling: lower == "dateceil");
        }

        if (!ScalarFunctions.TryGet(name.Text, out var function))
        {
            throw new InvalidQueryException($"unknown function '{name.Text}' at {name.Position}", name.Position);
        }

        RequireArguments(name, arguments, function.MinArguments, function.MaxArguments);
        return new FunctionExpression(function, [.. arguments]);
    }

    private AggregateExpression ParseAggregate(QueryToken name, AggregateKind kind)
    {
        if (!_aggregatesAllowed || _insideAggregate)
        {
            var where = _insideAggregate ? "inside another aggregate function" : "outside stats";
            throw new InvalidQueryException($"aggregate function '{name.Text}' at {name.Position} is not allowed {where}", name.Position);
        }

        _insideAggregate = true;
        Expression? argument = null;
        var percent = 0d;
        if (kind == AggregateKind.Count && (Current.IsSymbol("*") || Current.IsSymbol(")")))
        {
            // count(*) and count(): every event of the group.
            if (Current.IsSymbol("*"))
            {
                _next++;
            }
        }
        else
        {
            argument = Nested(ParseExpression);
            if (kind == AggregateKind.Percentile)
            {
                Expect(",");
                var token = Current;
                if (token.Kind != TokenKind.Number || !double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out percent) || percent > 100)
                {
                    throw Unexpected(token, "a percentile from 0 to 100");
                }

                _next++;
            }
        }

        Expect(")");
        _insideAggregate = false;
        return new AggregateExpression(kind, argument, percent);
    }

    private static void RequireArguments(QueryToken name, List<Expression> arguments, int min, int max)
    {
        if (arguments.Count < min || arguments.Count > max)
        {
            var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new InvalidQueryException(
                $"function '{name.Text}' at {name.Position} takes {expected} argument{(max == 1 ? "" : "s")}, not {arguments.Count}", name.Position);
        }
    }

    private static TimePeriod PeriodArgument(QueryToken name, Expression argument) =>
        argument is PeriodExpression period
            ? period.Period
            : throw new InvalidQueryException($"function '{name.Text}' at {name.Position} needs a period such as 5m or 1h", name.Position);

    private static TimePeriod ParsePeriod(QueryToken token)
    {
        var digits = 0;
        while (digits < token.Text.Length && char.IsAsciiDigit(token.Text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(token.Text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1
            || !TimePeriod.TryParseUnit(token.Text[digits..], out var unit))
        {
            throw new InvalidQueryException($"invalid period '{token.Text}' at {token.Position} (use a whole number and a unit: ms, s, m, h, d, w, mo, q, y)", token.Position);
        }

        return new TimePeriod(amount, unit);
    }

    private void Expect(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Unexpected(Current, $"'{symbol}'");
        }

        _next++;
    }

    private static InvalidQueryException Unexpected(QueryToken token, string expected) =>
        new($"unexpected {token.Describe()} at {token.Position}, expected {expected}", token.Position);
}
