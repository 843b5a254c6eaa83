using System.Text;
using Paywatch.Local.Notifications;

namespace Paywatch.Local.Bus;

/// <summary>
/// An event a rule matched: the event as EventBridge built it, the input its target received, and the topic's
/// notification that carried that input.
/// </summary>
public sealed record RoutedEvent(string RuleName, string EventId, DateTimeOffset Time, ReadOnlyMemory<byte> EventJson, string TargetInput, TopicNotification Notification)
{
    /// <summary>The event as text, decoded when asked for: most routed events are never looked at.</summary>
    public string Event => Encoding.UTF8.GetString(EventJson.Span);
}
