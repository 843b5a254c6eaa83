namespace Paywatch.Core.Kinesis;

/// <summary>
/// The invocation payload is not a Kinesis event. That is a deployment fault (wrong trigger, wrong payload),
/// not bad record data, so the host reports it as an invocation error rather than as a record outcome.
/// </summary>
public sealed class InvalidKinesisEventException : Exception
{
    public InvalidKinesisEventException()
    {
    }

    public InvalidKinesisEventException(string message)
        : base(message)
    {
    }

    public InvalidKinesisEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
