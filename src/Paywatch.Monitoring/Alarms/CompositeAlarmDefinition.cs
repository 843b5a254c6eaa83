namespace Paywatch.Monitoring.Alarms;

/// <summary>A composite alarm in the PutCompositeAlarm input shape.</summary>
public sealed record CompositeAlarmDefinition
{
    public required string AlarmName { get; init; }

    public string? AlarmDescription { get; init; }

    public required AlarmRule AlarmRule { get; init; }

    public AlarmActions Actions { get; init; } = AlarmActions.None;

    /// <summary>The alarm whose ALARM state suppresses this one's actions, with its wait and extension periods.</summary>
    public string? ActionsSuppressor { get; init; }

    public ActionsSuppressor? Suppression { get; init; }

    /// <exception cref="InvalidAlarmDefinitionException">The definition or its rule is invalid.</exception>
    public static CompositeAlarmDefinition Parse(string json)
    {
        using var document = AlarmJson.ParseObject(json);
        var root = document.RootElement;
        var name = AlarmJson.RequiredString(root, "AlarmName");
        AlarmRule rule;
        try
        {
            rule = AlarmRule.Parse(AlarmJson.RequiredString(root, "AlarmRule", name));
        }
        catch (InvalidAlarmRuleException e)
        {
            throw new InvalidAlarmDefinitionException($"Alarm {name}: {e.Message}");
        }

        var suppressor = AlarmJson.String(root, "ActionsSuppressor", name);
        return new CompositeAlarmDefinition
        {
            AlarmName = name,
            AlarmDescription = AlarmJson.String(root, "AlarmDescription", name),
            AlarmRule = rule,
            Actions = AlarmActions.Read(root, name),
            ActionsSuppressor = suppressor,
            Suppression = suppressor is null ? null : new ActionsSuppressor(
                TimeSpan.FromSeconds(AlarmJson.Int(root, "ActionsSuppressorWaitPeriod", name) ?? 0),
                TimeSpan.FromSeconds(AlarmJson.Int(root, "ActionsSuppressorExtensionPeriod", name) ?? 0)),
        };
    }
}
