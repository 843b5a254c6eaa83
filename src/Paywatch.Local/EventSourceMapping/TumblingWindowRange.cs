namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// One tumbling window: <c>[Start, End)</c>, aligned to multiples of its length since the Unix epoch. A record
/// belongs to the window of its arrival time (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html:
/// "Every record in a stream belongs to a specific window").
/// </summary>
internal readonly record struct TumblingWindowRange(DateTimeOffset Start, DateTimeOffset End)
{
    public static TumblingWindowRange Of(DateTimeOffset arrival, TimeSpan length)
    {
        var ticks = arrival.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var start = ticks - (((ticks % length.Ticks) + length.Ticks) % length.Ticks);
        var begin = DateTimeOffset.UnixEpoch.AddTicks(start);
        return new TumblingWindowRange(begin, begin + length);
    }
}
