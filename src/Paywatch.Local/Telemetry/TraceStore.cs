using System.Diagnostics;
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
/// The twin's X-Ray: every span of the processor's <c>ActivitySource</c> (100 %, as the spec asks), kept in a bounded
/// ring of the most recent ones, so that recent transactions can be listed and drawn as a waterfall. The tags are
/// the processor's own, which never carry a card number.
/// </summary>
public sealed class TraceStore : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly SpanRecord?[] _ring;
    private readonly Lock _lock = new();
    private long _recorded;

    public TraceStore(int capacity = 50_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new SpanRecord?[capacity];
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ProcessorTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Spans recorded since start (the ring keeps the most recent).</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>The kept spans, oldest first.</summary>
    public IReadOnlyList<SpanRecord> Spans()
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_recorded, _ring.Length);
            var first = _recorded - count;
            return [.. Enumerable.Range(0, count).Select(i => _ring[(first + i) % _ring.Length]!)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in activity.TagObjects)
        {
            if (value is not null)
            {
                tags.Add(new(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            }
        }

        var span = new SpanRecord(
            activity.OperationName,
            activity.TraceId.ToHexString(),
            activity.SpanId.ToHexString(),
            activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
            activity.StartTimeUtc,
            activity.Duration,
            activity.Status == ActivityStatusCode.Error,
            tags);
        lock (_lock)
        {
            _ring[_recorded % _ring.Length] = span;
            _recorded++;
        }
    }
}
