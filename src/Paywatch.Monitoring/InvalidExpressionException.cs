namespace Paywatch.Monitoring;

/// <summary>
/// Text in one of CloudWatch's small languages (an AlarmRule, a metric math expression) that CloudWatch would
/// reject. The message says which language, what is wrong and, when known, the 1-based position.
/// </summary>
public abstract class InvalidExpressionException : Exception
{
    protected InvalidExpressionException()
    {
        Reason = string.Empty;
    }

    protected InvalidExpressionException(string message)
        : base(message)
    {
        Reason = message;
    }

    protected InvalidExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    private protected InvalidExpressionException(string subject, string reason, int? position)
        : base(position is null
            ? $"{subject} is not valid: {reason}"
            : $"{subject} is not valid: {reason} at position {position.Value.ToString(CultureInfo.InvariantCulture)}")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>The 1-based position of the fault; null when it concerns the whole text.</summary>
    public int? Position { get; }
}
