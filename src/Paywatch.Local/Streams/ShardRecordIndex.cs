namespace Paywatch.Local.Streams;

/// <summary>
/// The newest of a shard's retained records in sequence-number order, in memory: appended at the tail by the group commit,
/// trimmed at the head by retention and by a memory limit, searched by sequence number. Older records are read back
/// from the segment files. Not thread-safe; <see cref="Shard"/> locks around it.
/// </summary>
internal sealed class ShardRecordIndex
{
    private StoredRecord[] _items = new StoredRecord[1024];
    private int _head;
    private int _tail;
    private long _bytes;

    public int Count => _tail - _head;

    public StoredRecord? Last => _tail > _head ? _items[_tail - 1] : null;

    public StoredRecord? First => _tail > _head ? _items[_head] : null;

    public void Append(StoredRecord record)
    {
        if (_tail == _items.Length)
        {
            // Reuse the trimmed head before growing.
            var live = Count;
            var target = live * 2 > _items.Length ? new StoredRecord[_items.Length * 2] : _items;
            Array.Copy(_items, _head, target, 0, live);
            if (target == _items)
            {
                Array.Clear(_items, live, _tail - live);
            }

            _items = target;
            _head = 0;
            _tail = live;
        }

        _items[_tail++] = record;
        _bytes += record.Data.Length;
    }

    /// <summary>Drops the oldest records until their data takes at most <paramref name="limit"/> bytes.</summary>
    /// <returns>Whether any was dropped.</returns>
    public bool TrimToBytes(long limit)
    {
        var trimmed = false;
        while (_bytes > limit && _tail - _head > 1)
        {
            _bytes -= _items[_head].Data.Length;
            _items[_head++] = null!;
            trimmed = true;
        }

        return trimmed;
    }

    /// <summary>Drops records that arrived before <paramref name="cutoff"/>.</summary>
    public void TrimBefore(DateTimeOffset cutoff)
    {
        while (_head < _tail && _items[_head].ApproximateArrivalTimestamp < cutoff)
        {
            _bytes -= _items[_head].Data.Length;
            _items[_head++] = null!;
        }
    }

    /// <summary>Drops records numbered at or below <paramref name="last"/> (their segment files were deleted).</summary>
    public void TrimThrough(UInt128 last)
    {
        while (_head < _tail && _items[_head].SequenceNumber <= last)
        {
            _bytes -= _items[_head].Data.Length;
            _items[_head++] = null!;
        }
    }

    /// <summary>The position of the first record with a sequence number above <paramref name="after"/> (null: the first).</summary>
    public int FirstAfter(UInt128? after)
    {
        if (after is not { } bound)
        {
            return 0;
        }

        int low = _head, high = _tail;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_items[middle].SequenceNumber <= bound)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low - _head;
    }

    /// <summary>The position of the first record that arrived at or after <paramref name="timestamp"/>.</summary>
    public int FirstAtOrAfter(DateTimeOffset timestamp)
    {
        int low = _head, high = _tail;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_items[middle].ApproximateArrivalTimestamp < timestamp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low - _head;
    }

    public StoredRecord this[int position] => _items[_head + position];
}
