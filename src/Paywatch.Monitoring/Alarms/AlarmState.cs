namespace Paywatch.Monitoring.Alarms;

/// <summary>The three states a CloudWatch alarm can be in (StateValue: OK | ALARM | INSUFFICIENT_DATA).</summary>
public enum AlarmState
{
    Ok,
    Alarm,
    InsufficientData,
}

/// <summary>The states as CloudWatch's APIs spell them.</summary>
public static class AlarmStateNames
{
    public static string ToApiName(this AlarmState state) => state switch
    {
        AlarmState.Ok => "OK",
        AlarmState.Alarm => "ALARM",
        _ => "INSUFFICIENT_DATA",
    };

    public static bool TryParse(string text, out AlarmState state)
    {
        (var ok, state) = text switch
        {
            "OK" => (true, AlarmState.Ok),
            "ALARM" => (true, AlarmState.Alarm),
            "INSUFFICIENT_DATA" => (true, AlarmState.InsufficientData),
            _ => (false, AlarmState.InsufficientData),
        };
        return ok;
    }
}
