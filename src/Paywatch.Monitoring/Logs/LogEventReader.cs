using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Turns one log line into a row, reading only the fields the query uses. A JSON object line is read once with
/// <see cref="Utf8JsonReader"/>; nested objects are named with dots (<c>a.b</c>) and array elements by index
/// (<c>a.0</c>), as Logs Insights discovers JSON fields, and the reader descends only into objects that hold a
/// wanted field. Any other line has only <c>@message</c>. <c>@timestamp</c> is the line's <c>time</c> field
/// (else its <c>timestamp</c> field) when that is an ISO 8601 / RFC 3339 string, else the time the caller gives.
/// </summary>
internal sealed class LogEventReader
{
    private static readonly SearchValues<byte> LiteralEnds = SearchValues.Create(",} \t\r\n"u8);
    private static readonly SearchValues<byte> NestingBytes = SearchValues.Create("\"{}[]"u8);
    private static readonly byte[] TimeName = "time"u8.ToArray();
    private static readonly byte[] TimestampName = "timestamp"u8.ToArray();

    private readonly byte[][] _names;
    private readonly int[] _slots;
    private readonly byte[][] _prefixes;
    private readonly bool _wantsMessage;
    private readonly StringPool[] _pools;
    private byte[] _path = new byte[256];
    private byte[] _scratch = new byte[256];
    private double _time;
    private double _timestampField;

    /// <param name="fields">The fields the query reads from events, with their slots (system fields excluded).</param>
    /// <param name="wantsMessage">Whether the query reads <c>@message</c> (it costs a string per line).</param>
    public LogEventReader(IReadOnlyList<FieldName> fields, bool wantsMessage)
    {
        _names = [.. fields.Select(f => Encoding.UTF8.GetBytes(f.Name))];
        _slots = [.. fields.Select(f => f.Slot)];
        _pools = [.. fields.Select(_ => new StringPool())];
        _wantsMessage = wantsMessage;

        // "a.b.c" needs the reader to enter "a" and "a.b".
        _prefixes = [.. fields
            .SelectMany(f => f.Name.Select((c, i) => (c, i)).Where(p => p.c == '.').Select(p => f.Name[..p.i]))
            .Distinct(StringComparer.Ordinal)
            .Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Fills the row's event fields and system fields; the row must be all missing values on entry.</summary>
    public void Read(ReadOnlySpan<byte> line, double fallbackTime, LogValue[] row)
    {
        _time = double.NaN;
        _timestampField = double.NaN;
        var trimmed = line.TrimStart(" \t"u8);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{' && !(_prefixes.Length == 0 && TryScanFlat(trimmed, row)) && !TryReadJson(line, row))
        {
            // Not JSON after all: the fields read so far do not count.
            foreach (var slot in _slots)
            {
                row[slot] = LogValue.Null;
            }

            _time = double.NaN;
            _timestampField = double.NaN;
        }

        var time = !double.IsNaN(_time) ? _time : !double.IsNaN(_timestampField) ? _timestampField : fallbackTime;
        row[FieldTable.TimestampSlot] = LogValue.FromTimestamp(time);
        if (_wantsMessage)
        {
            row[FieldTable.MessageSlot] = LogValue.FromString(Encoding.UTF8.GetString(line.TrimEnd("\r\n"u8)));
        }
    }

    private bool TryReadJson(ReadOnlySpan<byte> line, LogValue[] row)
    {
        // The fast scan may have filled some fields before giving up; start again from nothing.
        foreach (var slot in _slots)
        {
            row[slot] = LogValue.Null;
        }

        _time = double.NaN;
        _timestampField = double.NaN;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ReadObject(ref reader, 0, row);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The fast path, for queries that read only top-level fields: walks the line's top-level properties, skipping
    /// values with vectorized searches instead of tokenizing them, and converts only the wanted ones. It gives up
    /// (and <see cref="TryReadJson"/> reads the line properly) on anything unusual: escapes in a wanted string or a
    /// name, a value that is not plainly a number or literal, or a structure it does not expect. It does not
    /// validate the skipped values, so a line that is broken only inside an unwanted value still counts as JSON.
    /// </summary>
    private bool TryScanFlat(ReadOnlySpan<byte> line, LogValue[] row)
    {
        var i = SkipSpace(line, 1);
        if (i < line.Length && line[i] == (byte)'}')
        {
            return SkipSpace(line, i + 1) == line.Length;
        }

        while (true)
        {
            if (i >= line.Length || line[i] != (byte)'"')
            {
                return false;
            }

            var nameEnd = StringEnd(line, i + 1, out var nameEscaped);
            if (nameEnd < 0 || nameEscaped)
            {
                return false;
            }

            var name = line[(i + 1)..nameEnd];
            i = SkipSpace(line, nameEnd + 1);
            if (i >= line.Length || line[i] != (byte)':')
            {
                return false;
            }

            i = SkipSpace(line, i + 1);
            if (i >= line.Length)
            {
                return false;
            }

            var valueStart = i;
            int valueEnd;
            var escaped = false;
            switch (line[i])
            {
                case (byte)'"':
                    valueEnd = StringEnd(line, i + 1, out escaped);
                    if (valueEnd < 0)
                    {
                        return false;
                    }

                    valueEnd++;
                    break;
                case (byte)'{' or (byte)'[':
                    valueEnd = NestedEnd(line, i);
                    if (valueEnd < 0)
                    {
                        return false;
                    }

                    break;
                default:
                    var length = line[i..].IndexOfAny(LiteralEnds);
                    valueEnd = length < 0 ? line.Length : i + length;
                    break;
            }

            var value = line[valueStart..valueEnd];
            if (value[0] == (byte)'"' && !escaped && name.Length is 4 or 9)
            {
                ReadTime(name, value);
            }

            var field = Find(name);
            if (field >= 0 && !TryConvert(value, escaped, field, row))
            {
                return false;
            }

            i = SkipSpace(line, valueEnd);
            if (i < line.Length && line[i] == (byte)',')
            {
                i = SkipSpace(line, i + 1);
                continue;
            }

            return i < line.Length && line[i] == (byte)'}' && SkipSpace(line, i + 1) == line.Length;
        }
    }

    private bool TryConvert(ReadOnlySpan<byte> value, bool escaped, int field, LogValue[] row)
    {
        switch (value[0])
        {
            case (byte)'"':
                if (escaped)
                {
                    return false;
                }

                row[_slots[field]] = LogValue.FromString(_pools[field].Get(value[1..^1]));
                return true;
            case (byte)'{' or (byte)'[':
                // Flattened fields are named "a.b"; the object itself has no value.
                return true;
            case (byte)'t' when value.SequenceEqual("true"u8):
                row[_slots[field]] = LogValue.True;
                return true;
            case (byte)'f' when value.SequenceEqual("false"u8):
                row[_slots[field]] = LogValue.False;
                return true;
            case (byte)'n' when value.SequenceEqual("null"u8):
                return true;
            default:
                if (Utf8Parser.TryParse(value, out double number, out var consumed) && consumed == value.Length)
                {
                    row[_slots[field]] = LogValue.FromNumber(number);
                    return true;
                }

                return false;
        }
    }

    private void ReadTime(ReadOnlySpan<byte> name, ReadOnlySpan<byte> quoted)
    {
        var isTime = name.SequenceEqual(TimeName);
        if (!isTime && (!name.SequenceEqual(TimestampName) || !double.IsNaN(_time)))
        {
            return;
        }

        var reader = new Utf8JsonReader(quoted);
        if (reader.Read() && reader.TryGetDateTimeOffset(out var time))
        {
            if (isTime)
            {
                _time = time.ToUnixTimeMilliseconds();
            }
            else
            {
                _timestampField = time.ToUnixTimeMilliseconds();
            }
        }
    }

    private static int SkipSpace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    // The index of the closing quote of a string whose content starts at from; -1 when there is none.
    private static int StringEnd(ReadOnlySpan<byte> line, int from, out bool escaped)
    {
        escaped = false;
        var i = from;
        while (true)
        {
            var next = line[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (line[i] == (byte)'"')
            {
                return i;
            }

            escaped = true;
            i += 2;
            if (i >= line.Length)
            {
                return -1;
            }
        }
    }

    // The index just past the object or array that starts at from; -1 when it does not close.
    private static int NestedEnd(ReadOnlySpan<byte> line, int from)
    {
        var depth = 0;
        var i = from;
        while (true)
        {
            var next = line[i..].IndexOfAny(NestingBytes);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            switch (line[i])
            {
                case (byte)'"':
                    i = StringEnd(line, i + 1, out _);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }
    }

    private void ReadObject(ref Utf8JsonReader reader, int pathLength, LogValue[] row)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var length = AppendName(ref reader, pathLength);
            reader.Read();
            if (pathLength == 0 && reader.TokenType == JsonTokenType.String)
            {
                ReadTime(ref reader, _path.AsSpan(0, length));
            }

            ReadValue(ref reader, length, row);
        }
    }

    private void ReadArray(ref Utf8JsonReader reader, int pathLength, LogValue[] row)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            EnsurePath(pathLength + 12);
            _path[pathLength] = (byte)'.';
            index.TryFormat(_path.AsSpan(pathLength + 1), out var written, default, CultureInfo.InvariantCulture);
            ReadValue(ref reader, pathLength + 1 + written, row);
            index++;
        }
    }

    private void ReadValue(ref Utf8JsonReader reader, int pathLength, LogValue[] row)
    {
        var path = _path.AsSpan(0, pathLength);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject when IsPrefix(path):
                ReadObject(ref reader, pathLength, row);
                return;
            case JsonTokenType.StartArray when IsPrefix(path):
                ReadArray(ref reader, pathLength, row);
                return;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return;
        }

        var field = Find(path);
        if (field < 0)
        {
            return;
        }

        row[_slots[field]] = reader.TokenType switch
        {
            JsonTokenType.String => LogValue.FromString(_pools[field].Get(Unescaped(ref reader))),
            JsonTokenType.Number => reader.TryGetDouble(out var number) ? LogValue.FromNumber(number) : LogValue.Null,
            JsonTokenType.True => LogValue.True,
            JsonTokenType.False => LogValue.False,
            _ => LogValue.Null,
        };
    }

    private void ReadTime(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var isTime = name.SequenceEqual(TimeName);
        if ((isTime || (double.IsNaN(_time) && name.SequenceEqual(TimestampName))) && reader.TryGetDateTimeOffset(out var time))
        {
            if (isTime)
            {
                _time = time.ToUnixTimeMilliseconds();
            }
            else
            {
                _timestampField = time.ToUnixTimeMilliseconds();
            }
        }
    }

    private int AppendName(ref Utf8JsonReader reader, int pathLength)
    {
        var separator = pathLength > 0 ? 1 : 0;
        EnsurePath(pathLength + separator + reader.ValueSpan.Length);
        if (separator == 1)
        {
            _path[pathLength] = (byte)'.';
        }

        var written = reader.ValueIsEscaped ? reader.CopyString(_path.AsSpan(pathLength + separator)) : Copy(reader.ValueSpan, pathLength + separator);
        return pathLength + separator + written;
    }

    private int Copy(ReadOnlySpan<byte> name, int at)
    {
        name.CopyTo(_path.AsSpan(at));
        return name.Length;
    }

    private ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (_scratch.Length < reader.ValueSpan.Length)
        {
            _scratch = new byte[reader.ValueSpan.Length * 2];
        }

        return _scratch.AsSpan(0, reader.CopyString(_scratch));
    }

    private int Find(ReadOnlySpan<byte> path)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (_names[i].Length == path.Length && path.SequenceEqual(_names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsPrefix(ReadOnlySpan<byte> path)
    {
        foreach (var prefix in _prefixes)
        {
            if (path.SequenceEqual(prefix))
            {
                return true;
            }
        }

        return false;
    }

    private void EnsurePath(int length)
    {
        if (_path.Length < length)
        {
            Array.Resize(ref _path, length * 2);
        }
    }
}
