using System.Buffers.Text;
using System.IO.Hashing;
using System.Text.Json;

namespace Paywatch.Core.Enrichment;

/// <summary>
/// Counts transactions per card or account within one tumbling window, carried from invocation to invocation
/// in Lambda's window state (it arrives in the event and leaves in the response), so counts survive cold
/// starts and are exact whenever one entity always uses one partition key (and so one shard).
/// </summary>
/// <remarks>
/// <para>State entries are <c>"v.&lt;16 hex digits&gt;": "&lt;count&gt;"</c>: the key is the XxHash64 of the
/// entity key as read (already PAN-masked), so no card token, let alone a card number, is stored in the state.
/// Values are written as strings, as Lambda's TimeWindowEventResponse examples recommend; numbers are accepted
/// on the way in (the documented KinesisTimeWindowEvent example uses them).</para>
/// <para>Lambda ends a window early if its state exceeds 1 MB per shard
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html). At about 26 bytes per entry
/// the state is therefore capped at <see cref="MaxEntries"/> entities: beyond that, the entities with the
/// lowest counts (the ones furthest from the velocity threshold) are not carried forward, and the number
/// dropped is reported.</para>
/// </remarks>
public sealed class VelocityCounter
{
    /// <summary>Entries kept in the window state; about 780 KB, below Lambda's 1 MB per shard.</summary>
    public const int MaxEntries = 30_000;

    private readonly Dictionary<ulong, int> _counts = [];

    /// <summary>Distinct entities counted in the window so far.</summary>
    public int Count => _counts.Count;

    public void Clear() => _counts.Clear();

    /// <summary>
    /// Loads window state (the event's <c>state</c> object, as raw JSON). Entries that are not ours are ignored;
    /// a malformed state starts the window afresh rather than failing the batch.
    /// </summary>
    /// <returns>False when the state could not be read (the window restarts from zero).</returns>
    public bool Load(ReadOnlySpan<byte> stateJson)
    {
        _counts.Clear();
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
                if (hasKey && TryParseCount(ref reader, out var count))
                {
                    _counts[key] = count;
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
            _counts.Clear();
            return false;
        }
    }

    /// <summary>Counts one transaction of the entity and returns its count in the window so far.</summary>
    public int Increment(ReadOnlySpan<byte> entityKey, out ulong keyHash)
    {
        keyHash = XxHash64.HashToUInt64(entityKey);
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, keyHash, out _);
        return ++count;
    }

    /// <summary>Takes back one <see cref="Increment"/>: for records Lambda will deliver again.</summary>
    public void Decrement(ulong keyHash)
    {
        if (_counts.TryGetValue(keyHash, out var count))
        {
            if (count <= 1)
            {
                _counts.Remove(keyHash);
            }
            else
            {
                _counts[keyHash] = count - 1;
            }
        }
    }

    /// <summary>Writes the state object; returns how many entities were dropped to respect the size cap.</summary>
    public int WriteState(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        var dropped = 0;
        if (_counts.Count <= MaxEntries)
        {
            foreach (var (key, count) in _counts)
            {
                WriteEntry(writer, key, count);
            }
        }
        else
        {
            var entries = _counts.ToArray();
            Array.Sort(entries, static (a, b) => b.Value.CompareTo(a.Value));
            for (var i = 0; i < MaxEntries; i++)
            {
                WriteEntry(writer, entries[i].Key, entries[i].Value);
            }

            dropped = entries.Length - MaxEntries;
        }

        writer.WriteEndObject();
        return dropped;
    }

    private static void WriteEntry(Utf8JsonWriter writer, ulong key, int count)
    {
        Span<byte> name = stackalloc byte[2 + 16];
        name[0] = (byte)'v';
        name[1] = (byte)'.';
        _ = Utf8Formatter.TryFormat(key, name[2..], out _, new StandardFormat('x', 16));
        Span<byte> value = stackalloc byte[11];
        _ = Utf8Formatter.TryFormat(count, value, out var written);
        writer.WriteString(name, value[..written]);
    }

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
