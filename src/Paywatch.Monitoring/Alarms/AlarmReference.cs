namespace Paywatch.Monitoring.Alarms;

/// <summary>
/// Turns the argument of ALARM()/OK()/INSUFFICIENT_DATA() into an alarm name. PutCompositeAlarm accepts
/// "alarm names or ARNs"; an alarm ARN is <c>arn:partition:cloudwatch:region:account:alarm:name</c>, and the
/// name part may itself contain colons, so everything after the sixth colon is the name.
/// </summary>
internal static class AlarmReference
{
    private const string ArnPrefix = "arn:";

    /// <summary>The alarm name, or null when the argument looks like an ARN but is not a CloudWatch alarm ARN.</summary>
    public static string? NameOf(string reference)
    {
        if (!reference.StartsWith(ArnPrefix, StringComparison.Ordinal))
        {
            return reference;
        }

        var parts = reference.Split(':', 7);
        if (parts.Length != 7 || parts[2] != "cloudwatch" || parts[5] != "alarm" || parts[6].Length == 0)
        {
            return null;
        }

        return parts[6];
    }
}
