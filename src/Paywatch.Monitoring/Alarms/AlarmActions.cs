using System.Text.Json;

namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// What an alarm does when it enters a state: <c>ActionsEnabled</c>, <c>AlarmActions</c>, <c>OKActions</c> and
/// <c>InsufficientDataActions</c>, as PutMetricAlarm and PutCompositeAlarm both take them.
/// </summary>
public sealed record AlarmActions(bool Enabled, IReadOnlyList<string> Alarm, IReadOnlyList<string> Ok, IReadOnlyList<string> InsufficientData)
{
    public static AlarmActions None { get; } = new(true, [], [], []);

    /// <summary>The actions to run on entering <paramref name="state"/>; none when actions are disabled.</summary>
    public IReadOnlyList<string> For(AlarmState state) =>
        !Enabled ? []
        : state switch
        {
            AlarmState.Alarm => Alarm,
            AlarmState.Ok => Ok,
            _ => InsufficientData,
        };

    internal static AlarmActions Read(JsonElement root, string alarm) => new(
        !root.TryGetProperty("ActionsEnabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
        AlarmJson.Strings(root, "AlarmActions", alarm),
        AlarmJson.Strings(root, "OKActions", alarm),
        AlarmJson.Strings(root, "InsufficientDataActions", alarm));
}
