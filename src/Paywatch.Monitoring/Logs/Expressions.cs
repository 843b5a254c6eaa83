using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// A compiled expression: evaluated against a row (an array of values indexed by field slot) and, inside
/// <c>stats</c>, the group's aggregate results.
/// </summary>
internal abstract class Expression
{
    /// <summary>The expression as written in the query; unaliased columns are named by it (e.g. <c>count(*)</c>).</summary>
    public string Text { get; set; } = "";

    public virtual IEnumerable<Expression> Children => [];

    public abstract LogValue Evaluate(LogValue[] row, LogValue[]? aggregates);

    public IEnumerable<Expression> DescendantsAndSelf()
    {
        yield return this;
        foreach (var child in Children)
        {
            foreach (var descendant in child.DescendantsAndSelf())
            {
                yield return descendant;
            }
        }
    }
}

internal sealed class LiteralExpression(LogValue value) : Expression
{
    public LogValue Value { get; } = value;

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) => Value;
}

internal sealed class FieldExpression(string name, int slot) : Expression
{
    public string Name { get; } = name;

    public int Slot { get; } = slot;

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) => row[Slot];
}

internal sealed class NotExpression(Expression operand) : Expression
{
    public override IEnumerable<Expression> Children => [operand];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) =>
        LogValue.FromBoolean(!ValueComparison.IsTrue(operand.Evaluate(row, aggregates)));
}

internal sealed class LogicalExpression(bool isAnd, Expression left, Expression right) : Expression
{
    public override IEnumerable<Expression> Children => [left, right];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates)
    {
        var first = ValueComparison.IsTrue(left.Evaluate(row, aggregates));
        if (first != isAnd)
        {
            return LogValue.FromBoolean(first);
        }

        return LogValue.FromBoolean(ValueComparison.IsTrue(right.Evaluate(row, aggregates)));
    }
}

internal sealed class ComparisonExpression(ComparisonOperator op, Expression left, Expression right) : Expression
{
    public override IEnumerable<Expression> Children => [left, right];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) =>
        LogValue.FromBoolean(ValueComparison.Test(op, left.Evaluate(row, aggregates), right.Evaluate(row, aggregates)));
}

/// <summary><c>a + b</c> and the rest: numbers (or numeric strings) only; anything else, or a division by zero, is missing.</summary>
internal sealed class ArithmeticExpression(char op, Expression left, Expression right) : Expression
{
    public override IEnumerable<Expression> Children => [left, right];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates)
    {
        var a = left.Evaluate(row, aggregates);
        var b = right.Evaluate(row, aggregates);
        if (!a.TryGetNumber(out var x) || !b.TryGetNumber(out var y))
        {
            return LogValue.Null;
        }

        var result = op switch
        {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            '/' => y == 0 ? double.NaN : x / y,
            '%' => y == 0 ? double.NaN : x % y,
            _ => Math.Pow(x, y),
        };

        // A timestamp moved by a number of milliseconds is still a time; the difference of two times is a number.
        var isTime = op is '+' or '-' && (a.Kind == LogValueKind.Timestamp) != (b.Kind == LogValueKind.Timestamp);
        return isTime ? LogValue.FromTimestamp(result) : LogValue.FromNumber(result);
    }
}

internal sealed class NegateExpression(Expression operand) : Expression
{
    public override IEnumerable<Expression> Children => [operand];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) =>
        operand.Evaluate(row, aggregates).TryGetNumber(out var x) ? LogValue.FromNumber(-x) : LogValue.Null;
}

/// <summary>
/// <c>like "text"</c> (the text appears anywhere in the value), <c>like /regex/</c> and <c>=~ /regex/</c>
/// (the regex matches somewhere in it), per the AWS page "filter". A missing value matches neither form nor its negation.
/// </summary>
internal sealed class MatchExpression(Expression value, string? substring, Regex? regex, bool negated) : Expression
{
    public override IEnumerable<Expression> Children => [value];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates)
    {
        var v = value.Evaluate(row, aggregates);
        if (v.IsNull)
        {
            return LogValue.False;
        }

        var text = v.ToString();
        var matches = regex is null ? text.Contains(substring!, StringComparison.Ordinal) : RegexMatching.IsMatch(regex, text);
        return LogValue.FromBoolean(matches != negated);
    }
}

/// <summary><c>x in [a, b]</c> and <c>x not in [a, b]</c>: equality as <c>=</c> defines it; missing is in nothing and not-in nothing.</summary>
internal sealed class InExpression(Expression value, Expression[] items, bool negated) : Expression
{
    public override IEnumerable<Expression> Children => [value, .. items];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates)
    {
        var v = value.Evaluate(row, aggregates);
        if (v.IsNull)
        {
            return LogValue.False;
        }

        foreach (var item in items)
        {
            if (ValueComparison.Compare(v, item.Evaluate(row, aggregates)) == 0)
            {
                return LogValue.FromBoolean(!negated);
            }
        }

        return LogValue.FromBoolean(negated);
    }
}

internal sealed class FunctionExpression(ScalarFunction function, Expression[] arguments) : Expression
{
    public ScalarFunction Function { get; } = function;

    public override IEnumerable<Expression> Children => arguments;

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates)
    {
        // Arguments go in a stack buffer: no allocation per call for the usual one to four arguments.
        var buffer = default(ArgumentBuffer);
        Span<LogValue> values = arguments.Length <= ArgumentBuffer.Length ? buffer[..arguments.Length] : new LogValue[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            values[i] = arguments[i].Evaluate(row, aggregates);
        }

        return Function.Invoke(values);
    }

    [InlineArray(Length)]
    private struct ArgumentBuffer
    {
        public const int Length = 4;

        private LogValue _first;
    }
}

/// <summary><c>bin(period)</c>: the start of the period that holds the event's <c>@timestamp</c>.</summary>
internal sealed class BinExpression(FieldExpression timestamp, TimePeriod period) : Expression
{
    public override IEnumerable<Expression> Children => [timestamp];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) =>
        ValueComparison.TryGetTime(timestamp.Evaluate(row, aggregates), out var time) ? LogValue.FromTimestamp(period.Floor(time)) : LogValue.Null;
}

/// <summary><c>datefloor(t, period)</c> and <c>dateceil(t, period)</c>.</summary>
internal sealed class DateRoundExpression(Expression time, TimePeriod period, bool ceiling) : Expression
{
    public override IEnumerable<Expression> Children => [time];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) =>
        ValueComparison.TryGetTime(time.Evaluate(row, aggregates), out var t)
            ? LogValue.FromTimestamp(ceiling ? period.Ceiling(t) : period.Floor(t))
            : LogValue.Null;
}

/// <summary>A period literal such as <c>5m</c>; only functions that take a period accept one.</summary>
internal sealed class PeriodExpression(TimePeriod period) : Expression
{
    public TimePeriod Period { get; } = period;

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) => LogValue.Null;
}

/// <summary>An aggregate function inside <c>stats</c>; evaluates to the group's result for it.</summary>
internal sealed class AggregateExpression(AggregateKind kind, Expression? argument, double percent) : Expression
{
    public AggregateKind Kind { get; } = kind;

    /// <summary>The value aggregated; null for <c>count(*)</c>.</summary>
    public Expression? Argument { get; } = argument;

    public double Percent { get; } = percent;

    /// <summary>Where the group's result is, among the stats command's aggregates.</summary>
    public int Index { get; set; } = -1;

    public override IEnumerable<Expression> Children => Argument is null ? [] : [Argument];

    public override LogValue Evaluate(LogValue[] row, LogValue[]? aggregates) => aggregates is null ? LogValue.Null : aggregates[Index];
}
