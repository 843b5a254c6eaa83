namespace Paywatch.Local.Queues;

/// <summary>A receipt handle this queue never issued (SQS's <c>ReceiptHandleIsInvalid</c>).</summary>
public sealed class ReceiptHandleIsInvalidException : Exception
{
    public ReceiptHandleIsInvalidException()
    {
    }

    public ReceiptHandleIsInvalidException(string message)
        : base(message)
    {
    }

    public ReceiptHandleIsInvalidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
