namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// Recursive-descent parser for the AlarmRule language of PutCompositeAlarm
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html and
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html).
/// </summary>
/// <remarks>
/// <para>
/// Grammar (keywords are matched case-insensitively: the user guide itself suggests changing a rule "to
/// <c>False</c>" to break a cycle):
/// <code>
/// rule    := or END
/// or      := and ( OR and )*
/// and     := unary ( AND unary )*
/// unary   := NOT unary | primary
/// primary := TRUE | FALSE | '(' or ')' | ( ALARM | OK | INSUFFICIENT_DATA ) '(' reference ')'
/// </code>
/// </para>
/// <para>
/// The AWS documentation does not state an operator precedence. We use the conventional one, NOT binding
/// tighter than AND, and AND tighter than OR, so <c>A OR B AND C</c> is <c>A OR (B AND C)</c>. Rules that
/// must not depend on this should use parentheses, as the AWS examples do.
/// </para>
/// </remarks>
internal sealed class AlarmRuleParser
{
    /// <summary>PutCompositeAlarm: AlarmRule length constraints 1 to 10240.</summary>
    public const int MaxLength = 10240;

    /// <summary>User guide: "An AlarmRule expression can specify as many as 100 child alarms".</summary>
    public const int MaxChildAlarms = 100;

    /// <summary>
    /// User guide: "The AlarmRule expression can have as many as 500 elements. Elements are child alarms, TRUE or
    /// FALSE statements, and parentheses. A pair of parentheses counts as one element." This also bounds the
    /// nesting depth, so recursion cannot run away.
    /// </summary>
    public const int MaxElements = 500;

    private readonly string _text;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _orderedNames = [];
    private int _position;
    private int _elements;

    private AlarmRuleParser(string text)
    {
        _text = text;
    }

    public static (RuleNode Root, IReadOnlyList<string> Names) Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new InvalidAlarmRuleException(
                $"the rule is {text.Length.ToString(CultureInfo.InvariantCulture)} characters long; the maximum is {MaxLength.ToString(CultureInfo.InvariantCulture)}",
                position: null);
        }

        var parser = new AlarmRuleParser(text);
        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            throw new InvalidAlarmRuleException("the rule is empty; expected TRUE, FALSE, NOT, '(' or ALARM(), OK(), INSUFFICIENT_DATA()", position: null);
        }

        var root = parser.ParseOr();
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            throw parser.Error(parser.Current == ')' ? "unexpected ')' without a matching '('" : "expected AND, OR or the end of the rule");
        }

        return (root, parser._orderedNames);
    }

    private bool AtEnd => _position >= _text.Length;

    private char Current => _text[_position];

    private RuleNode ParseOr()
    {
        var left = ParseAnd();
        while (TryReadOperator("OR"))
        {
            left = new OrNode(left, ParseAnd());
        }

        return left;
    }

    private RuleNode ParseAnd()
    {
        var left = ParseUnary();
        while (TryReadOperator("AND"))
        {
            left = new AndNode(left, ParseUnary());
        }

        return left;
    }

    private RuleNode ParseUnary()
    {
        // NOT chains are parsed iteratively: a long "NOT NOT NOT ..." must not exhaust the stack.
        var negations = 0;
        while (true)
        {
            SkipWhitespace();
            var start = _position;
            if (ReadWord() is { } word && word.Equals("NOT", StringComparison.OrdinalIgnoreCase))
            {
                negations++;
                continue;
            }

            _position = start;
            break;
        }

        var node = ParsePrimary();
        for (var i = 0; i < negations; i++)
        {
            node = new NotNode(node);
        }

        return node;
    }

    private RuleNode ParsePrimary()
    {
        SkipWhitespace();
        if (AtEnd)
        {
            throw Error("expected TRUE, FALSE, NOT, '(' or a function such as ALARM() but the rule ended");
        }

        if (Current == '(')
        {
            CountElement();
            _position++;
            var inner = ParseOr();
            SkipWhitespace();
            Expect(')');
            return inner;
        }

        var start = _position;
        var word = ReadWord();
        if (word is null)
        {
            throw Error($"expected TRUE, FALSE, NOT, '(' or a function such as ALARM() but found '{Current}'");
        }

        switch (word.ToUpperInvariant())
        {
            case "TRUE":
                CountElement();
                return new ConstantNode(true);
            case "FALSE":
                CountElement();
                return new ConstantNode(false);
            case "ALARM":
                return ParseFunction(AlarmState.Alarm, start);
            case "OK":
                return ParseFunction(AlarmState.Ok, start);
            case "INSUFFICIENT_DATA":
                return ParseFunction(AlarmState.InsufficientData, start);
            case "AND" or "OR":
                throw Error($"expected an operand before '{word}'", start);
            default:
                throw Error($"unknown function '{word}'; expected ALARM, OK, INSUFFICIENT_DATA, TRUE or FALSE", start);
        }
    }

    private StateNode ParseFunction(AlarmState state, int functionStart)
    {
        SkipWhitespace();
        if (AtEnd || Current != '(')
        {
            throw Error($"expected '(' after {_text[functionStart.._position].TrimEnd()}");
        }

        _position++;
        SkipWhitespace();
        var referenceStart = _position;
        var quoted = !AtEnd && Current == '"';
        var reference = quoted ? ReadQuoted() : ReadUnquoted();
        if (reference.Length == 0)
        {
            throw Error("expected an alarm name or ARN", referenceStart);
        }

        var name = AlarmReference.NameOf(reference)
            ?? throw Error($"'{reference}' is not a CloudWatch alarm ARN (arn:aws:cloudwatch:region:account:alarm:name)", referenceStart);

        SkipWhitespace();
        if (AtEnd || Current != ')')
        {
            // The usual cause is an unquoted name with a space in it: ALARM(my alarm).
            throw Error(quoted ? "expected ')'" : "expected ')' (put alarm names that contain spaces or parentheses in double quotes)");
        }

        _position++;
        CountElement();
        if (_names.Add(name))
        {
            _orderedNames.Add(name);
            if (_names.Count > MaxChildAlarms)
            {
                throw Error($"the rule references more than {MaxChildAlarms.ToString(CultureInfo.InvariantCulture)} child alarms", referenceStart);
            }
        }

        return new StateNode(state, name);
    }

    private string ReadQuoted()
    {
        var open = _position;
        var close = _text.IndexOf('"', open + 1);
        if (close < 0)
        {
            throw Error("unterminated quoted alarm name; expected a closing '\"'", open);
        }

        _position = close + 1;
        return _text[(open + 1)..close];
    }

    private string ReadUnquoted()
    {
        var start = _position;
        while (!AtEnd && !char.IsWhiteSpace(Current) && Current is not ('(' or ')' or '"'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    /// <summary>Reads a keyword or function name: letters and underscores. Null when none starts here.</summary>
    private string? ReadWord()
    {
        var start = _position;
        while (!AtEnd && (char.IsAsciiLetter(Current) || Current == '_'))
        {
            _position++;
        }

        return _position == start ? null : _text[start.._position];
    }

    private bool TryReadOperator(string keyword)
    {
        SkipWhitespace();
        var start = _position;
        if (ReadWord() is { } word && word.Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            SkipWhitespace();
            if (AtEnd)
            {
                throw Error($"expected an operand after {keyword} but the rule ended", start);
            }

            return true;
        }

        _position = start;
        return false;
    }

    private void Expect(char expected)
    {
        if (AtEnd || Current != expected)
        {
            throw Error($"expected '{expected}'");
        }

        _position++;
    }

    private void CountElement()
    {
        if (++_elements > MaxElements)
        {
            throw Error($"the rule has more than {MaxElements.ToString(CultureInfo.InvariantCulture)} elements (child alarms, TRUE, FALSE and pairs of parentheses)");
        }
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }

    private InvalidAlarmRuleException Error(string reason) => Error(reason, _position);

    private static InvalidAlarmRuleException Error(string reason, int index) => new(reason, index + 1);
}
