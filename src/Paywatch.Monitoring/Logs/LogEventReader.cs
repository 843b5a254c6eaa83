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
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{' && !TryReadJson(line, row))
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
        if ((isTime || name.SequenceEqual(TimestampName)) && reader.TryGetDateTimeOffset(out var time))
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
