namespace Paywatch.Local.Storage;

/// <summary>
/// What opening the data folder found and did, a line per repair: the file, what was wrong, what was kept, skipped or
/// replayed. Every store that repairs something says so here; the twin hands the lines to whoever prints its start.
/// Nothing acknowledged is dropped without a line. Thread-safe.
/// </summary>
public sealed class DataFolderReport
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public void Add(string path, string finding)
    {
        lock (_lock)
        {
            _lines.Add($"{path}: {finding}");
        }
    }
}
