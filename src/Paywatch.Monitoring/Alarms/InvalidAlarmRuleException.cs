namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// A composite alarm's AlarmRule that PutCompositeAlarm would reject. The message names the problem and,
/// where there is one, the 1-based character position at which it was found.
/// </summary>
public sealed class InvalidAlarmRuleException : Exception
{
    public InvalidAlarmRuleException()
    {
        Reason = string.Empty;
    }

    public InvalidAlarmRuleException(string message)
        : base(message)
    {
        Reason = message;
    }

    public InvalidAlarmRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    internal InvalidAlarmRuleException(string reason, int? position)
        : base(Format(reason, position))
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The 1-based position of the offending character; null when the problem concerns the whole rule.</summary>
    public int? Position { get; }

    private static string Format(string reason, int? position) =>
        position is null
            ? $"AlarmRule is not valid: {reason}"
            : $"AlarmRule is not valid: {reason} at position {position.Value.ToString(CultureInfo.InvariantCulture)}";
}
