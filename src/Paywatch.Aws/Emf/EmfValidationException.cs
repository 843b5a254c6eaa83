namespace Paywatch.Aws.Emf;

/// <summary>Metrics that CloudWatch would reject from an EMF document; the message names the rule broken.</summary>
public sealed class EmfValidationException : Exception
{
    public EmfValidationException()
    {
    }

    public EmfValidationException(string message)
        : base(message)
    {
    }

    public EmfValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
