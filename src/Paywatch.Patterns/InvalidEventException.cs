namespace Paywatch.Patterns;

/// <summary>An event that cannot be matched: not a JSON object, or not valid JSON.</summary>
public sealed class InvalidEventException : Exception
{
    public InvalidEventException()
    {
    }

    public InvalidEventException(string message)
        : base(message)
    {
    }

    public InvalidEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
