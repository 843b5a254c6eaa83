using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Paywatch.Core.Telemetry;

namespace Paywatch.Local.Telemetry;

/// <summary>One finished span of the processor, as the trace store keeps it.</summary>
public sealed record SpanRecord(
    string Name,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    DateTimeOffset Start,
    TimeSpan Duration,
    bool IsError,
    IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>
/// The twin's X-Ray: every span of the function's tracing pipeline (<see cref="TraceStoreProcessor"/>; 100 %, as the spec asks), kept in a bounded
/// ring of the most recent ones, so that recent transactions can be listed and drawn as a waterfall. The tags are
/// the processor's own, which never carry a card number.
/// </summary>
/// <remarks>
/// Recording is on the processor's path (five spans per transaction), and what the ring keeps lives long enough to
/// reach the oldest GC generation: keeping the spans as objects (the activities, or records of strings) made the GC
/// cost more than the processor's own work (docs/benchmarks.md, "The local twin"). So the ring holds no object
/// reference at all: ids, times and flags in an array of plain structs, and each span's tags as UTF-8 in a fixed slot
/// of one byte array (25 MB at the default capacity). Names and tag keys, the processor's constants, are kept once in
/// a small table. Records are built when read.
/// </remarks>
public sealed class TraceStore
{
    /// <summary>Room for one span's tags; a tag that does not fit is left out and the span counted as truncated.</summary>
    public const int TagBytesPerSpan = 512;

    /// <summary>More distinct names and keys than the processor has by far; beyond it a span's name or tag is dropped.</summary>
    private const int MaxNames = 1024;

    // A tag in a slot: key id (2 bytes), value length (2 bytes), the value as UTF-8.
    private const int TagHeaderBytes = 4;

    private readonly SpanSlot[] _slots;
    private readonly byte[] _tags;
    private readonly ConcurrentDictionary<string, ushort> _nameIds = new(StringComparer.Ordinal);
    // Guarded by _namesLock: a name is added to the list before its id is published in _nameIds.
    private readonly List<string> _names = [];
    private readonly Lock _namesLock = new();
    private readonly Lock _lock = new();
    private long _recorded;
    private long _restored;
    private long _traces;
    private long _truncated;

    /// <param name="capacity">How many of the most recent spans are kept.</param>
    public TraceStore(int capacity = 50_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new SpanSlot[capacity];
        _tags = new byte[checked(capacity * TagBytesPerSpan)];
    }

    /// <summary>Spans recorded since start (the ring keeps the most recent), not counting those the last run left.</summary>
    public long Recorded => Interlocked.Read(ref _recorded) - Interlocked.Read(ref _restored);

    /// <summary>How many of the most recent spans the ring keeps.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Root spans recorded since start: a trace each, X-Ray's billing unit (as the X-Ray exporter counts them).</summary>
    public long Traces => Interlocked.Read(ref _traces);

    /// <summary>Spans whose tags did not all fit in <see cref="TagBytesPerSpan"/> (or the name table): kept without them.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>
    /// The kept spans, oldest first; with a name, a start range or a trace id, only those. The filter reads the ring's
    /// slots, so only the matches are built (the ring is locked meanwhile, and the processor's spans wait for it).
    /// </summary>
    /// <param name="from">Spans that started at or after this time.</param>
    /// <param name="to">Spans that started before this time.</param>
    /// <param name="traceId">32 hex digits.</param>
    public IReadOnlyList<SpanRecord> Spans(string? name = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? traceId = null)
    {
        ushort? nameId = null;
        if (name is not null)
        {
            if (!_nameIds.TryGetValue(name, out var id))
            {
                return [];
            }

            nameId = id;
        }

        UInt128? trace = null;
        if (traceId is not null)
        {
            if (!UInt128.TryParse(traceId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed) || traceId.Length != 32)
            {
                return [];
            }

            trace = parsed;
        }

        var fromTicks = from?.UtcTicks ?? long.MinValue;
        var toTicks = to?.UtcTicks ?? long.MaxValue;
        var spans = new List<SpanRecord>();
        lock (_lock)
        lock (_namesLock)
        {
            var count = (int)Math.Min(_recorded, _slots.Length);
            var first = _recorded - count;
            for (var i = 0; i < count; i++)
            {
                var index = (int)((first + i) % _slots.Length);
                ref readonly var slot = ref _slots[index];
                if ((nameId is null || slot.NameId == nameId) && (trace is null || slot.TraceId == trace)
                    && slot.StartTicks >= fromTicks && slot.StartTicks < toTicks)
                {
                    spans.Add(ToRecord(index));
                }
            }
        }

        return spans;
    }

    /// <summary>
    /// The spans from <paramref name="position"/> on, in the sequence of every span the ring has taken (restored ones
    /// included, the first at 0), oldest first: those the ring still keeps. The ring is locked a chunk at a time, so the processor's spans wait for a chunk at most.
    /// </summary>
    /// <param name="position">Where to start; set to where the next call starts.</param>
    internal List<SpanRecord> SpansSince(ref long position)
    {
        const int Chunk = 1_000;
        var spans = new List<SpanRecord>();
        while (true)
        {
            lock (_lock)
            lock (_namesLock)
            {
                position = Math.Max(position, _recorded - _slots.Length);
                var end = Math.Min(_recorded, position + Chunk);
                for (; position < end; position++)
                {
                    spans.Add(ToRecord((int)(position % _slots.Length)));
                }

                if (position == _recorded)
                {
                    return spans;
                }
            }
        }
    }

    /// <summary>Puts back a span the last run kept (it counts in neither <see cref="Recorded"/> nor <see cref="Traces"/>).</summary>
    internal void Restore(SpanRecord span)
    {
        Span<byte> tags = stackalloc byte[TagBytesPerSpan];
        var written = 0;
        foreach (var (key, value) in span.Tags)
        {
            _ = TryPutTag(tags, ref written, key, value);
        }

        var slot = new SpanSlot(
            NameId(span.Name) ?? NameId("?")!.Value,
            UInt128.Parse(span.TraceId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            ulong.Parse(span.SpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            span.ParentSpanId is { } parent ? ulong.Parse(parent, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : 0,
            span.Start.UtcTicks,
            span.Duration.Ticks,
            span.IsError,
            (ushort)written);
        lock (_lock)
        {
            Store(slot, tags[..written]);
            _restored++;
        }
    }

    /// <summary>Keeps a finished span (<see cref="TraceStoreProcessor"/> hands them over). Thread-safe.</summary>
    public void Record(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Span<byte> ids = stackalloc byte[16];
        activity.TraceId.CopyTo(ids);
        var traceId = BinaryPrimitives.ReadUInt128BigEndian(ids);
        // CopyTo fills the whole destination: a span id is 8 bytes.
        activity.SpanId.CopyTo(ids[..8]);
        var spanId = BinaryPrimitives.ReadUInt64BigEndian(ids);
        var parentSpanId = 0UL;
        if (activity.ParentSpanId != default)
        {
            activity.ParentSpanId.CopyTo(ids[..8]);
            parentSpanId = BinaryPrimitives.ReadUInt64BigEndian(ids);
        }

        // Formatted outside the lock, which the processor's concurrent invocations all take: only the copy is inside.
        Span<byte> tags = stackalloc byte[TagBytesPerSpan];
        var (tagBytes, complete) = WriteTags(activity, tags);
        var slot = new SpanSlot(
            NameId(activity.OperationName) ?? NameId("?")!.Value,
            traceId,
            spanId,
            parentSpanId,
            activity.StartTimeUtc.Ticks,
            activity.Duration.Ticks,
            activity.Status == ActivityStatusCode.Error,
            (ushort)tagBytes);
        lock (_lock)
        {
            Store(slot, tags[..tagBytes]);
            _traces += parentSpanId == 0 ? 1 : 0;
            if (!complete)
            {
                _truncated++;
            }
        }
    }

    /// <summary>Puts a span in the ring's next slot. Called under the lock.</summary>
    private void Store(in SpanSlot slot, ReadOnlySpan<byte> tags)
    {
        var index = (int)(_recorded % _slots.Length);
        tags.CopyTo(_tags.AsSpan(index * TagBytesPerSpan, TagBytesPerSpan));
        _slots[index] = slot;
        _recorded++;
    }

    private (int Written, bool Complete) WriteTags(Activity activity, Span<byte> slot)
    {
        var written = 0;
        var complete = true;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (tag.Value is not { } value)
            {
                continue;
            }

            complete &= TryPutTag(slot, ref written, tag.Key, value);
        }

        return (written, complete);
    }

    /// <summary>Appends a tag to a span's slot at <paramref name="written"/>; false when it does not fit (or the name table is full).</summary>
    private bool TryPutTag(Span<byte> slot, ref int written, string key, object value)
    {
        var keyId = NameId(key);
        var room = slot[written..];
        if (keyId is null || room.Length < TagHeaderBytes || !TryFormat(value, room[TagHeaderBytes..], out var length))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(room, keyId.Value);
        BinaryPrimitives.WriteUInt16LittleEndian(room[2..], (ushort)length);
        written += TagHeaderBytes + length;
        return true;
    }

    /// <summary>Tag values as text, invariant, as the trace list and the waterfall show them.</summary>
    private static bool TryFormat(object value, Span<byte> destination, out int written) => value switch
    {
        string text => Encoding.UTF8.TryGetBytes(text, destination, out written),
        bool flag => (flag ? "true"u8 : "false"u8).TryCopyTo(destination) ? Done(flag ? 4 : 5, out written) : Done(0, out written, false),
        IUtf8SpanFormattable formattable => formattable.TryFormat(destination, out written, default, CultureInfo.InvariantCulture),
        _ => Encoding.UTF8.TryGetBytes(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", destination, out written),
    };

    private static bool Done(int count, out int written, bool result = true)
    {
        written = count;
        return result;
    }

    /// <summary>The id of a span name or tag key; read without a lock, as names are added only the first time they are seen.</summary>
    private ushort? NameId(string name)
    {
        if (_nameIds.TryGetValue(name, out var id))
        {
            return id;
        }

        lock (_namesLock)
        {
            if (_nameIds.TryGetValue(name, out id))
            {
                return id;
            }

            if (_names.Count >= MaxNames)
            {
                return null;
            }

            id = (ushort)_names.Count;
            _names.Add(name);
            _nameIds[name] = id;
            return id;
        }
    }

    private SpanRecord ToRecord(int index)
    {
        var slot = _slots[index];
        var tags = new List<KeyValuePair<string, string>>();
        var bytes = _tags.AsSpan(index * TagBytesPerSpan, slot.TagBytes);
        while (!bytes.IsEmpty)
        {
            var key = _names[BinaryPrimitives.ReadUInt16LittleEndian(bytes)];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
            tags.Add(new(key, Encoding.UTF8.GetString(bytes.Slice(TagHeaderBytes, length))));
            bytes = bytes[(TagHeaderBytes + length)..];
        }

        return new SpanRecord(
            _names[slot.NameId],
            Hex(slot.TraceId),
            Hex(slot.SpanId),
            slot.ParentSpanId == 0 ? null : Hex(slot.ParentSpanId),
            new DateTimeOffset(slot.StartTicks, TimeSpan.Zero),
            TimeSpan.FromTicks(slot.DurationTicks),
            slot.IsError,
            tags);
    }

    private static string Hex(UInt128 id)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Hex(ulong id)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>One kept span without its tags: no field is a reference, so the ring is invisible to the GC.</summary>
    private readonly record struct SpanSlot(
        ushort NameId,
        UInt128 TraceId,
        ulong SpanId,
        ulong ParentSpanId,
        long StartTicks,
        long DurationTicks,
        bool IsError,
        ushort TagBytes);
}
