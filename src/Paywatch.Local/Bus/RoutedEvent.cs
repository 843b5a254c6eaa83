namespace Paywatch.Local.Bus;

/// <summary>An event a rule matched: the event as EventBridge built it, and the input its target received.</summary>
public sealed record RoutedEvent(string RuleName, string EventId, DateTimeOffset Time, string Event, string TargetInput);
