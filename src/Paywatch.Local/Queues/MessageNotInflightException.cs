namespace Paywatch.Local.Queues;

/// <summary>ChangeMessageVisibility on a message that is not in flight (not received, or its visibility timeout has passed).</summary>
public sealed class MessageNotInflightException : Exception
{
    public MessageNotInflightException()
        : base("The message referred to isn't in flight.")
    {
    }

    public MessageNotInflightException(string message)
        : base(message)
    {
    }

    public MessageNotInflightException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
