namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Reuses the string for a UTF-8 value seen before, so low-cardinality fields (level, message, type, status) cost
/// no allocation per event. Bounded: once full, new values are allocated and not kept, so an id field cannot grow it.
/// </summary>
internal sealed class StringPool
{
    private const int Capacity = 4096;
    private const int MaxPooledLength = 128;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxPooledLength];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        var text = chars[..length];
        if (_lookup.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        var created = new string(text);
        if (_strings.Count < Capacity)
        {
            _strings.Add(created, created);
        }

        return created;
    }
}
