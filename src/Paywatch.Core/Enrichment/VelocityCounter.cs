using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Paywatch.Core.Enrichment;

/// <summary>
/// Counts transactions per card or account within one tumbling window, carried from invocation to invocation
/// in Lambda's window state (it arrives in the event and leaves in the response), so counts survive cold
/// starts and are exact whenever one entity always uses one partition key (and so one shard).
/// </summary>
/// <remarks>
/// <para>The state is a JSON object of fixed-width entries, <c>"v.&lt;16 hex digits&gt;":"&lt;6 digits&gt;"</c>:
/// the key is the XxHash64 of the entity key as read (already PAN-masked), so no card token, let alone a card
/// number, is stored in it. Values are strings, as Lambda's TimeWindowEventResponse examples recommend; numbers
/// are accepted on the way in (the documented KinesisTimeWindowEvent example uses them).</para>
/// <para>Lambda hands the whole state in and takes it back out on every invocation
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html). To keep that cheap the counter
/// keeps its state serialized: fixed-width entries are updated in place, so answering costs no serialization,
/// and a state that comes back byte for byte as it was handed out is not parsed again.</para>
/// <para>Lambda ends a window early if its state exceeds 1 MB per shard, so the state holds at most
/// <see cref="MaxEntries"/> entities (30 bytes each, about 900 KB): beyond that, the entities with the lowest
/// counts (the furthest from the velocity threshold) are not carried forward, and the number dropped is
/// reported. A count above 999,999 is stored as 999,999.</para>
/// </remarks>
public sealed class VelocityCounter
{
    /// <summary>Entities kept in the window state: 30,000 entries of 30 bytes, below Lambda's 1 MB per shard.</summary>
    public const int MaxEntries = 30_000;

    private const int MaxStoredCount = 999_999;
    private const int EntryBytes = 29; // "v.0123456789abcdef":"000001"
    private const int Stride = EntryBytes + 1; // and the ',' or '}' after it
    private const int KeyOffset = 3; // after "v.
    private const int CountOffset = 22; // after "v.<16>":"

    private readonly Dictionary<ulong, int> _slots = [];
    private ulong[] _keys = new ulong[256];
    private int[] _counts = new int[256];
    private byte[] _state = new byte[1 + (256 * Stride)];
    private int _entries;

    public VelocityCounter() => Clear();

    /// <summary>Distinct entities counted in the window so far.</summary>
    public int Count => _entries;

    /// <summary>The window state as JSON. Valid until the counter next changes.</summary>
    public ReadOnlyMemory<byte> State => _state.AsMemory(0, _entries == 0 ? 2 : 1 + (_entries * Stride));

    public void Clear()
    {
        _slots.Clear();
        _entries = 0;
        _state[0] = (byte)'{';
        _state[1] = (byte)'}';
    }

    /// <summary>
    /// Loads window state (the event's <c>state</c> object, as raw JSON). Entries that are not ours are ignored;
    /// a malformed state starts the window afresh rather than failing the batch.
    /// </summary>
    /// <returns>False when the state could not be read (the window restarts from zero).</returns>
    public bool Load(ReadOnlySpan<byte> stateJson)
    {
        if (stateJson.SequenceEqual(State.Span))
        {
            return true; // our own answer, handed back: already loaded
        }

        Clear();
        if (stateJson.IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(stateJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return reader.TokenType == JsonTokenType.Null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var hasKey = TryParseKey(reader.ValueSpan, reader.ValueIsEscaped, out var key);
                reader.Read();
                if (hasKey && TryParseCount(ref reader, out var count) && !_slots.ContainsKey(key))
                {
                    Append(key, count);
                }
                else
                {
                    reader.Skip();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            Clear();
            return false;
        }
    }

    /// <summary>Counts one transaction of the entity and returns its count in the window so far.</summary>
    public int Increment(ReadOnlySpan<byte> entityKey, out ulong keyHash)
    {
        keyHash = XxHash64.HashToUInt64(entityKey);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, keyHash, out var exists);
        if (!exists)
        {
            slot = _entries;
            AppendEntry(keyHash, 1);
            return 1;
        }

        var count = ++_counts[slot];
        WriteCount(slot, count);
        return count;
    }

    /// <summary>Takes back one <see cref="Increment"/>: for records Lambda will deliver again.</summary>
    public void Decrement(ulong keyHash)
    {
        if (!_slots.TryGetValue(keyHash, out var slot))
        {
            return;
        }

        if (_counts[slot] > 1)
        {
            WriteCount(slot, --_counts[slot]);
            return;
        }

        // Swap the last entry into the freed slot, so entries stay contiguous.
        _slots.Remove(keyHash);
        var last = _entries - 1;
        if (slot != last)
        {
            _keys[slot] = _keys[last];
            _counts[slot] = _counts[last];
            _slots[_keys[slot]] = slot;
            _state.AsSpan(1 + (last * Stride), EntryBytes).CopyTo(_state.AsSpan(1 + (slot * Stride)));
        }

        _entries = last;
        _state[_entries == 0 ? 1 : _entries * Stride] = (byte)'}';
    }

    /// <summary>
    /// Keeps the state within <see cref="MaxEntries"/>, dropping the lowest counts; returns how many were dropped.
    /// </summary>
    public int TrimToLimit()
    {
        if (_entries <= MaxEntries)
        {
            return 0;
        }

        var kept = Enumerable.Range(0, _entries)
            .Select(i => (Key: _keys[i], Count: _counts[i]))
            .OrderByDescending(e => e.Count)
            .Take(MaxEntries)
            .ToList();
        var dropped = _entries - kept.Count;
        Clear();
        foreach (var (key, count) in kept)
        {
            Append(key, count);
        }

        return dropped;
    }

    private void Append(ulong key, int count)
    {
        _slots[key] = _entries;
        AppendEntry(key, count);
    }

    private void AppendEntry(ulong key, int count)
    {
        if (_entries == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _counts, _counts.Length * 2);
            Array.Resize(ref _state, 1 + (_keys.Length * Stride));
        }

        var slot = _entries++;
        _keys[slot] = key;
        _counts[slot] = count;
        var entry = _state.AsSpan(1 + (slot * Stride), Stride);
        "\"v.0000000000000000\":\"000000\"}"u8.CopyTo(entry);
        _ = Utf8Formatter.TryFormat(key, entry.Slice(KeyOffset, 16), out _, new StandardFormat('x', 16));
        WriteCount(slot, count);
        if (slot > 0)
        {
            _state[slot * Stride] = (byte)','; // the previous entry is no longer the last
        }
    }

    private void WriteCount(int slot, int count) =>
        _ = Utf8Formatter.TryFormat(
            Math.Min(count, MaxStoredCount), _state.AsSpan(1 + (slot * Stride) + CountOffset, 6), out _, new StandardFormat('D', 6));

    private static bool TryParseKey(ReadOnlySpan<byte> name, bool escaped, out ulong key)
    {
        key = 0;
        return !escaped && name.Length == 18 && name[0] == 'v' && name[1] == '.'
            && Utf8Parser.TryParse(name[2..], out key, out var consumed, 'x') && consumed == 16;
    }

    private static bool TryParseCount(ref Utf8JsonReader reader, out int count)
    {
        count = 0;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt32(out count) && count > 0,
            JsonTokenType.String => !reader.ValueIsEscaped
                && Utf8Parser.TryParse(reader.ValueSpan, out count, out var consumed)
                && consumed == reader.ValueSpan.Length && count > 0,
            _ => false,
        };
    }
}
