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

    // Keys here are field names and short values: mixing the length with the first and last eight bytes spreads
    // them well and costs a few instructions; equality is checked on the full key anyway.
    private static int Hash(ReadOnlySpan<byte> key)
    {
        ulong head;
        ulong tail;
        if (key.Length >= 8)
        {
            head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key);
            tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]);
        }
        else
        {
            head = 0;
            foreach (var b in key)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        var mixed = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)key.Length;
        return (int)(mixed ^ (mixed >> 29) ^ (mixed >> 47));
    }

    private readonly record struct Entry(byte[] Key, T Value);
}
