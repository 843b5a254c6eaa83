namespace Paywatch.Monitoring.Logs;

/// <summary>A query's result: column names in order, and rows of values in the same order.</summary>
public sealed class QueryResult(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<LogValue>> rows, long recordsScanned)
{
    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<IReadOnlyList<LogValue>> Rows { get; } = rows;

    public long RecordsScanned { get; } = recordsScanned;

    /// <summary>The value of a named column in a row; missing when the column does not exist.</summary>
    public LogValue Value(int row, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        return index < 0 ? LogValue.Null : Rows[row][index];
    }
}
