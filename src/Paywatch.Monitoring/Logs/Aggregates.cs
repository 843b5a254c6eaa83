namespace Paywatch.Monitoring.Logs;

/// <summary>The aggregate functions of the AWS page "stats" ("Functions to use with stats").</summary>
internal enum AggregateKind
{
    Count,
    CountDistinct,
    Sum,
    Average,
    Min,
    Max,
    Percentile,
    StandardDeviation,
    Earliest,
    Latest,
}

internal static class Aggregates
{
    private static readonly Dictionary<string, AggregateKind> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["count"] = AggregateKind.Count,
        ["count_distinct"] = AggregateKind.CountDistinct,
        ["sum"] = AggregateKind.Sum,
        ["avg"] = AggregateKind.Average,
        ["min"] = AggregateKind.Min,
        ["max"] = AggregateKind.Max,
        ["pct"] = AggregateKind.Percentile,
        ["percentile"] = AggregateKind.Percentile,
        ["stddev"] = AggregateKind.StandardDeviation,
        ["earliest"] = AggregateKind.Earliest,
        ["latest"] = AggregateKind.Latest,
    };

    public static bool TryGet(string name, out AggregateKind kind) => Names.TryGetValue(name, out kind);

    public static AggregateState Create(AggregateExpression aggregate) => aggregate.Kind switch
    {
        AggregateKind.Count => new CountState(),
        AggregateKind.CountDistinct => new CountDistinctState(),
        AggregateKind.Sum => new SumState(average: false),
        AggregateKind.Average => new SumState(average: true),
        AggregateKind.Min => new ExtremeState(sign: -1),
        AggregateKind.Max => new ExtremeState(sign: 1),
        AggregateKind.Percentile => new PercentileState(aggregate.Percent),
        AggregateKind.StandardDeviation => new DeviationState(),
        AggregateKind.Earliest => new TimedState(latest: false),
        _ => new TimedState(latest: true),
    };
}

/// <summary>One aggregate's running state for one group. Values are already evaluated; missing ones are passed too.</summary>
internal abstract class AggregateState
{
    public abstract void Add(in LogValue value, double timestamp);

    public abstract LogValue Result();
}

/// <summary><c>count(*)</c> counts events (the caller passes a present value); <c>count(field)</c> counts the present values.</summary>
internal sealed class CountState : AggregateState
{
    private long _count;

    public override void Add(in LogValue value, double timestamp)
    {
        if (!value.IsNull)
        {
            _count++;
        }
    }

    public override LogValue Result() => LogValue.FromNumber(_count);
}

internal sealed class CountDistinctState : AggregateState
{
    private readonly HashSet<LogValue> _values = [];

    public override void Add(in LogValue value, double timestamp)
    {
        if (!value.IsNull)
        {
            _values.Add(value);
        }
    }

    public override LogValue Result() => LogValue.FromNumber(_values.Count);
}

/// <summary><c>sum</c> and <c>avg</c> over the numeric values; with none, the result is missing.</summary>
internal sealed class SumState(bool average) : AggregateState
{
    private double _sum;
    private long _count;

    public override void Add(in LogValue value, double timestamp)
    {
        if (value.TryGetNumber(out var x))
        {
            _sum += x;
            _count++;
        }
    }

    public override LogValue Result() => _count == 0 ? LogValue.Null : LogValue.FromNumber(average ? _sum / _count : _sum);
}

/// <summary><c>min</c> and <c>max</c> over the numeric values; a timestamp's extreme stays a timestamp.</summary>
internal sealed class ExtremeState(int sign) : AggregateState
{
    private LogValue _best;

    public override void Add(in LogValue value, double timestamp)
    {
        if (value.TryGetNumber(out var x) && value.Kind != LogValueKind.Boolean && (_best.IsNull || x.CompareTo(_best.Number) * sign > 0))
        {
            _best = value.Kind == LogValueKind.Timestamp ? value : LogValue.FromNumber(x);
        }
    }

    public override LogValue Result() => _best;
}

/// <summary>
/// <c>pct(field, p)</c>: exact, by the nearest-rank method: the smallest value such that at least p% of the values
/// are at or below it, i.e. the ⌈p/100 × n⌉-th smallest (the 1st for p = 0). The AWS page "stats" defines pct by
/// the share of values below it and notes CloudWatch may approximate; exact is both cheap here and testable.
/// </summary>
internal sealed class PercentileState(double percent) : AggregateState
{
    private readonly List<double> _values = [];

    public override void Add(in LogValue value, double timestamp)
    {
        if (value.TryGetNumber(out var x) && value.Kind != LogValueKind.Boolean)
        {
            _values.Add(x);
        }
    }

    public override LogValue Result()
    {
        if (_values.Count == 0)
        {
            return LogValue.Null;
        }

        _values.Sort();
        return LogValue.FromNumber(_values[NearestRank(percent, _values.Count) - 1]);
    }

    public static int NearestRank(double percent, int count) =>
        Math.Clamp((int)Math.Ceiling(percent / 100 * count), 1, count);
}

/// <summary><c>stddev</c>: the sample standard deviation (n − 1), computed with Welford's update so it stays exact-ish on large n.</summary>
internal sealed class DeviationState : AggregateState
{
    private long _count;
    private double _mean;
    private double _squares;

    public override void Add(in LogValue value, double timestamp)
    {
        if (value.TryGetNumber(out var x) && value.Kind != LogValueKind.Boolean)
        {
            _count++;
            var delta = x - _mean;
            _mean += delta / _count;
            _squares += delta * (x - _mean);
        }
    }

    public override LogValue Result() => _count < 2 ? (_count == 1 ? LogValue.FromNumber(0) : LogValue.Null) : LogValue.FromNumber(Math.Sqrt(_squares / (_count - 1)));
}

/// <summary><c>earliest(field)</c> and <c>latest(field)</c>: the value from the event with the lowest or highest <c>@timestamp</c>.</summary>
internal sealed class TimedState(bool latest) : AggregateState
{
    private LogValue _value;
    private double _time = double.NaN;

    public override void Add(in LogValue value, double timestamp)
    {
        if (value.IsNull)
        {
            return;
        }

        if (double.IsNaN(_time) || (latest ? timestamp > _time : timestamp < _time))
        {
            _time = timestamp;
            _value = value;
        }
    }

    public override LogValue Result() => _value;
}
