using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Paywatch.Core.Enrichment;

/// <summary>
/// Counts transactions per card or account within one tumbling window, carried from invocation to invocation
/// in Lambda's window state (it arrives in the event and leaves in the response), so counts survive cold
/// starts and are exact whenever one entity always uses one partition key (and so one shard).
/// </summary>
/// <remarks>
/// <para>The state is a JSON object with one string member, <c>{"v":"&lt;base64&gt;"}</c> (<c>{}</c> when empty): the
/// base64 of 12-byte entries, each the XxHash64 of an entity key as read (already PAN-masked; big-endian, 8 bytes)
/// and its count (big-endian, 4 bytes; the top bit set once the entity's velocity alert has gone out, so it alerts
/// once per window). No card token, let alone a card number, is stored in it. One string keeps
/// the state cheap for everyone who handles it: Lambda hands the whole state in and takes it back out on every
/// invocation (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html), and a JSON reader skips a
/// string in one step where it would read thousands of members one by one.</para>
/// <para>Twelve bytes are exactly sixteen base64 characters, so an entry's text can be rewritten in place: answering
/// costs no serialization, and a state that comes back byte for byte as it was handed out is not decoded again.
/// The earlier member-per-entity form (<c>"v.&lt;16 hex digits&gt;":"&lt;count&gt;"</c>, numbers accepted too) is still
/// read, so a window open across a deployment keeps its counts.</para>
/// <para>Lambda ends a window early if its state exceeds 1 MB per shard, so the state holds at most
/// <see cref="MaxEntries"/> entities (16 characters each, about 480 KB): beyond that, the entities with the lowest
/// counts (the furthest from the velocity threshold) are not carried forward, and the number dropped is
/// reported.</para>
/// </remarks>
public sealed class VelocityCounter
{
    /// <summary>Entities kept in the window state: 30,000 entries of 16 characters, well below Lambda's 1 MB per shard.</summary>
    public const int MaxEntries = 30_000;

    private const int EntryBytes = 12; // key (8) and count (4), big-endian
    private const int EntryChars = 16; // the entry in base64
    private const uint AlertedBit = 0x8000_0000; // in the stored count: the entity's alert has gone out
    private static readonly byte[] Prefix = "{\"v\":\""u8.ToArray();
    private static readonly byte[] Suffix = "\"}"u8.ToArray();

    private readonly Dictionary<ulong, int> _slots = [];
    private ulong[] _keys = new ulong[256];
    private int[] _counts = new int[256];
    private bool[] _alerted = new bool[256];
    private byte[] _state = new byte[Prefix.Length + (256 * EntryChars) + Suffix.Length];
    private int _entries;

    public VelocityCounter() => Clear();

    /// <summary>Distinct entities counted in the window so far.</summary>
    public int Count => _entries;

    /// <summary>The window state as JSON. Valid until the counter next changes.</summary>
    public ReadOnlyMemory<byte> State => _state.AsMemory(0, _entries == 0 ? 2 : Prefix.Length + (_entries * EntryChars) + Suffix.Length);

    public void Clear()
    {
        _slots.Clear();
        _entries = 0;
        "{}"u8.CopyTo(_state);
    }

    /// <summary>
    /// Loads window state (the event's <c>state</c> object, as raw JSON). Members that are not ours are ignored;
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
                var isEntries = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("v"u8);
                var hasKey = TryParseKey(reader.ValueSpan, reader.ValueIsEscaped, out var key);
                reader.Read();
                if (isEntries && reader.TokenType == JsonTokenType.String)
                {
                    if (!LoadEntries(ref reader))
                    {
                        Clear();
                        return false;
                    }
                }
                else if (hasKey && TryParseCount(ref reader, out var count) && !_slots.ContainsKey(key))
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
        WriteEntry(slot);
        return count;
    }

    /// <summary>The entity's count in the window so far (0 when not counted).</summary>
    public int CountOf(ulong keyHash) => _slots.TryGetValue(keyHash, out var slot) ? _counts[slot] : 0;

    /// <summary>Marks the entity's velocity alert as sent; false when it was already (one alert per entity per window).</summary>
    public bool TryMarkAlerted(ulong keyHash)
    {
        if (!_slots.TryGetValue(keyHash, out var slot) || _alerted[slot])
        {
            return false;
        }

        _alerted[slot] = true;
        WriteEntry(slot);
        return true;
    }

    /// <summary>Takes back <see cref="TryMarkAlerted"/>: the alert's record will be delivered again, and alert again.</summary>
    public void ClearAlerted(ulong keyHash)
    {
        if (_slots.TryGetValue(keyHash, out var slot) && _alerted[slot])
        {
            _alerted[slot] = false;
            WriteEntry(slot);
        }
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
            _counts[slot]--;
            WriteEntry(slot);
            return;
        }

        // Move the last entry into the freed slot, so entries stay contiguous.
        _slots.Remove(keyHash);
        var last = _entries - 1;
        if (slot != last)
        {
            _keys[slot] = _keys[last];
            _counts[slot] = _counts[last];
            _alerted[slot] = _alerted[last];
            _slots[_keys[slot]] = slot;
            _state.AsSpan(EntryOffset(last), EntryChars).CopyTo(_state.AsSpan(EntryOffset(slot)));
        }

        _entries = last;
        if (_entries == 0)
        {
            "{}"u8.CopyTo(_state);
        }
        else
        {
            Suffix.CopyTo(_state.AsSpan(EntryOffset(_entries)));
        }
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
            .Select(i => (Key: _keys[i], Count: _counts[i], Alerted: _alerted[i]))
            .OrderByDescending(e => e.Count)
            .Take(MaxEntries)
            .ToList();
        var dropped = _entries - kept.Count;
        Clear();
        foreach (var (key, count, alerted) in kept)
        {
            Append(key, count, alerted);
        }

        return dropped;
    }

    private static int EntryOffset(int slot) => Prefix.Length + (slot * EntryChars);

    /// <summary>Reads the entries of the compact form; false when they are not whole base64 entries.</summary>
    private bool LoadEntries(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        if (text.Length % EntryChars != 0)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(text.Length / EntryChars * EntryBytes);
        try
        {
            if (Base64.DecodeFromUtf8(text, bytes, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            for (var offset = 0; offset < written; offset += EntryBytes)
            {
                var key = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(offset));
                var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 8));
                var count = (int)(stored & ~AlertedBit);
                if (count > 0 && !_slots.ContainsKey(key))
                {
                    Append(key, count, (stored & AlertedBit) != 0);
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void Append(ulong key, int count, bool alerted = false)
    {
        _slots[key] = _entries;
        AppendEntry(key, count, alerted);
    }

    private void AppendEntry(ulong key, int count, bool alerted = false)
    {
        if (_entries == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _counts, _counts.Length * 2);
            Array.Resize(ref _alerted, _alerted.Length * 2);
            Array.Resize(ref _state, Prefix.Length + (_keys.Length * EntryChars) + Suffix.Length);
        }

        var slot = _entries++;
        _keys[slot] = key;
        _counts[slot] = count;
        _alerted[slot] = alerted;
        if (slot == 0)
        {
            Prefix.CopyTo(_state, 0);
        }

        WriteEntry(slot);
        Suffix.CopyTo(_state.AsSpan(EntryOffset(_entries)));
    }

    private void WriteEntry(int slot)
    {
        Span<byte> entry = stackalloc byte[EntryBytes];
        BinaryPrimitives.WriteUInt64BigEndian(entry, _keys[slot]);
        BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)_counts[slot] | (_alerted[slot] ? AlertedBit : 0));
        _ = Base64.EncodeToUtf8(entry, _state.AsSpan(EntryOffset(slot), EntryChars), out _, out _);
    }

    /// <summary>A member of the earlier form: <c>v.</c> and the key in 16 hex digits.</summary>
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
