namespace Paywatch.Core.Kinesis;

/// <summary>The event's <c>window</c>: present only when the event source mapping has a tumbling window.</summary>
public readonly record struct TumblingWindow(DateTimeOffset Start, DateTimeOffset End);
