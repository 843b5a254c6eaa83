namespace Paywatch.Patterns;

/// <summary>
/// An immutable hash map from UTF-8 byte strings to values, looked up by span so that matching an event never
/// allocates a string for a key or a value.
/// </summary>
internal sealed class Utf8Map<T>
{
    private readonly Entry[][] _buckets;
    private readonly int _mask;

    public Utf8Map(IEnumerable<KeyValuePair<byte[], T>> entries)
    {
        var list = entries.ToList();
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(list.Count * 2, 1));
        _mask = size - 1;
        var buckets = new List<Entry>[size];
        foreach (var (key, value) in list)
        {
            (buckets[Hash(key) & _mask] ??= []).Add(new Entry(key, value));
        }

        _buckets = [.. buckets.Select(b => b is null ? [] : b.ToArray())];
        Count = list.Count;
    }

    public int Count { get; }

    public bool TryGetValue(ReadOnlySpan<byte> key, out T value)
    {
        foreach (var entry in _buckets[Hash(key) & _mask])
        {
            if (key.SequenceEqual(entry.Key))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGetValue(key, out _);

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    private readonly record struct Entry(byte[] Key, T Value);
}
