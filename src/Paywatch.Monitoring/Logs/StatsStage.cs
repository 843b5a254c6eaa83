namespace Paywatch.Monitoring.Logs;

/// <summary>
/// <c>stats</c>: groups rows by the <c>by</c> values and runs each aggregate per group; when the input ends, emits
/// one row per group with the group values and the outputs. Groups are emitted in ascending order of their
/// values (so <c>bin()</c> groups come out in time order); a later <c>sort</c> can reorder them. With no input,
/// there are no groups and so no rows.
/// </summary>
internal sealed class StatsStage(StatsCommand command, int width) : PipelineStage
{
    private readonly Dictionary<LogValue[], AggregateState[]> _groups = new(RowKeyComparer.Instance);

    // The lookup key is reused; a group keeps a copy only when it is new.
    private readonly LogValue[] _key = new LogValue[command.Groups.Count];

    public override void Push(LogValue[] row)
    {
        for (var i = 0; i < _key.Length; i++)
        {
            _key[i] = command.Groups[i].Expression.Evaluate(row, null);
        }

        if (!_groups.TryGetValue(_key, out var states))
        {
            states = [.. command.Aggregates.Select(Aggregates.Create)];
            _groups.Add((LogValue[])_key.Clone(), states);
        }

        var timestamp = row[FieldTable.TimestampSlot].Number;
        for (var i = 0; i < states.Length; i++)
        {
            var argument = command.Aggregates[i].Argument;
            states[i].Add(argument is null ? LogValue.True : argument.Evaluate(row, null), timestamp);
        }
    }

    public override void Complete()
    {
        var keys = _groups.Keys.ToList();
        keys.Sort(CompareKeys);
        foreach (var key in keys)
        {
            var states = _groups[key];
            var results = new LogValue[states.Length];
            for (var i = 0; i < states.Length; i++)
            {
                results[i] = states[i].Result();
            }

            var output = new LogValue[width];
            for (var i = 0; i < key.Length; i++)
            {
                output[command.Groups[i].Slot] = key[i];
            }

            foreach (var named in command.Outputs)
            {
                output[named.Slot] = named.Expression.Evaluate(output, results);
            }

            Next!.Push(output);
        }

        base.Complete();
    }

    private static int CompareKeys(LogValue[] a, LogValue[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i].IsNull != b[i].IsNull)
            {
                return a[i].IsNull ? 1 : -1;
            }

            var order = a[i].IsNull ? 0 : SortOrder.Ascending.Compare(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }
}
