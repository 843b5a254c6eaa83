using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// One step of a running query. Rows flow through <see cref="Push"/>; the rows of the event-reading phase share
/// one array, so a stage that keeps a row copies it. <see cref="Complete"/> ends the input, and stages that need
/// all rows first (stats, sort) emit theirs then.
/// </summary>
internal abstract class PipelineStage
{
    public PipelineStage? Next { get; set; }

    public abstract void Push(LogValue[] row);

    public virtual void Complete() => Next?.Complete();
}

internal sealed class FilterStage(Expression condition) : PipelineStage
{
    public override void Push(LogValue[] row)
    {
        if (ValueComparison.IsTrue(condition.Evaluate(row, null)))
        {
            Next!.Push(row);
        }
    }
}

/// <summary><c>fields</c>: each expression in order, so a later one can use an earlier one's name.</summary>
internal sealed class FieldsStage(IReadOnlyList<NamedExpression> fields) : PipelineStage
{
    public override void Push(LogValue[] row)
    {
        foreach (var field in fields)
        {
            row[field.Slot] = field.Expression.Evaluate(row, null);
        }

        Next!.Push(row);
    }
}

/// <summary><c>parse</c>: when the pattern does not match, its fields are missing (AWS page "parse").</summary>
internal sealed class ParseStage(ParseCommand command) : PipelineStage
{
    public override void Push(LogValue[] row)
    {
        var source = command.Source.Evaluate(row, null);
        Match? match = source.IsNull ? null : RegexMatching.Match(command.Pattern, source.ToString());
        foreach (var target in command.Targets)
        {
            row[target.Field.Slot] = match is { Success: true } && match.Groups[target.Group].Success
                ? LogValue.FromString(match.Groups[target.Group].Value)
                : LogValue.Null;
        }

        Next!.Push(row);
    }
}

internal sealed class LimitStage(int count) : PipelineStage
{
    private int _passed;

    public override void Push(LogValue[] row)
    {
        if (_passed < count)
        {
            _passed++;
            Next!.Push(row);
        }
    }
}

/// <summary><c>dedup</c>: the first row of each combination of values; rows with a missing dedup field all pass (AWS page "dedup").</summary>
internal sealed class DedupStage(IReadOnlyList<FieldName> fields) : PipelineStage
{
    private readonly HashSet<LogValue[]> _seen = new(RowKeyComparer.Instance);

    public override void Push(LogValue[] row)
    {
        var key = new LogValue[fields.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = row[fields[i].Slot];
            if (key[i].IsNull)
            {
                Next!.Push(row);
                return;
            }
        }

        if (_seen.Add(key))
        {
            Next!.Push(row);
        }
    }
}

/// <summary><c>sort</c>: stable, by several keys, in the order <see cref="SortOrder"/> defines.</summary>
internal sealed class SortStage(IReadOnlyList<SortKey> keys) : PipelineStage
{
    private readonly List<LogValue[]> _rows = [];

    public override void Push(LogValue[] row) => _rows.Add((LogValue[])row.Clone());

    public override void Complete()
    {
        var ordered = _rows.Select((row, index) => (row, index)).ToList();
        ordered.Sort((a, b) => Compare(a.row, b.row) is var order and not 0 ? order : a.index.CompareTo(b.index));
        foreach (var (row, _) in ordered)
        {
            Next!.Push(row);
        }

        base.Complete();
    }

    private int Compare(LogValue[] a, LogValue[] b)
    {
        foreach (var key in keys)
        {
            var x = a[key.Field.Slot];
            var y = b[key.Field.Slot];
            if (x.IsNull || y.IsNull)
            {
                // Missing values last, whichever the direction.
                if (x.IsNull != y.IsNull)
                {
                    return x.IsNull ? 1 : -1;
                }

                continue;
            }

            var order = SortOrder.Ascending.Compare(x, y);
            if (order != 0)
            {
                return key.Descending ? -order : order;
            }
        }

        return 0;
    }
}

/// <summary>The end of the pipeline: keeps copies of the rows that reach it.</summary>
internal sealed class CollectStage : PipelineStage
{
    public List<LogValue[]> Rows { get; } = [];

    public override void Push(LogValue[] row) => Rows.Add((LogValue[])row.Clone());

    public override void Complete()
    {
    }
}

/// <summary>Rows (or group keys) equal value by value, as <see cref="LogValue.Equals(LogValue)"/> defines.</summary>
internal sealed class RowKeyComparer : IEqualityComparer<LogValue[]>
{
    public static RowKeyComparer Instance { get; } = new();

    public bool Equals(LogValue[]? x, LogValue[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(LogValue[] obj)
    {
        var hash = default(HashCode);
        foreach (var value in obj)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }
}
