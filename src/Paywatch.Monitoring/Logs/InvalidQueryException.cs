namespace Paywatch.Monitoring.Logs;

/// <summary>A query that cannot be parsed or run; the message names the token and its position.</summary>
public sealed class InvalidQueryException : Exception
{
    public InvalidQueryException()
        : this("the query is not valid", 0)
    {
    }

    public InvalidQueryException(string message)
        : this(message, 0)
    {
    }

    public InvalidQueryException(string message, Exception innerException)
        : base("Query is not valid: " + message, innerException)
    {
    }

    /// <param name="reason">What is wrong, naming the token.</param>
    /// <param name="position">Where, as a 1-based character offset into the query (0 when it is not about one place).</param>
    public InvalidQueryException(string reason, int position)
        : base("Query is not valid: " + reason)
    {
        Position = position;
    }

    public int Position { get; }
}
