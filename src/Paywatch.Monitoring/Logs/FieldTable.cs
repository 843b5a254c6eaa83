namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Gives every field name a query mentions a slot: rows are arrays indexed by slot, so evaluating a field is an
/// array read. Names are case-sensitive, as Logs Insights field names are.
/// </summary>
internal sealed class FieldTable
{
    public const string Timestamp = "@timestamp";
    public const string Message = "@message";
    public const string Log = "@log";
    public const string LogStream = "@logStream";

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public FieldTable()
    {
        // The system fields always have the first slots, so the reader can fill them without a lookup.
        Slot(Timestamp);
        Slot(Message);
        Slot(Log);
        Slot(LogStream);
    }

    public const int TimestampSlot = 0;
    public const int MessageSlot = 1;
    public const int LogSlot = 2;
    public const int LogStreamSlot = 3;

    public int Count => _names.Count;

    public IReadOnlyList<string> Names => _names;

    public int Slot(string name)
    {
        if (!_slots.TryGetValue(name, out var slot))
        {
            slot = _names.Count;
            _slots.Add(name, slot);
            _names.Add(name);
        }

        return slot;
    }

    public FieldName Field(string name) => new(name, Slot(name));
}
