using Paywatch.Core.Routing;

namespace Paywatch.Aws.EventBridge;

/// <summary>
/// An entry's size as EventBridge measures it against the 256 KB limit ("Calculating Amazon EventBridge PutEvents
/// event entry size", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html): 14 bytes for
/// <c>Time</c> when present, plus the UTF-8 bytes of <c>Source</c>, <c>DetailType</c>, <c>Detail</c> and each of
/// <c>Resources</c>. <c>EventBusName</c> and the JSON syntax around the values do not count.
/// </summary>
public static class PutEventsEntrySize
{
    public const int TimeBytes = 14;

    public static int Of(in EventEntry entry) =>
        TimeBytes // EventEntry always carries a Time
        + Encoding.UTF8.GetByteCount(entry.Source)
        + Encoding.UTF8.GetByteCount(entry.DetailType)
        + entry.Detail.Length; // already UTF-8
}
