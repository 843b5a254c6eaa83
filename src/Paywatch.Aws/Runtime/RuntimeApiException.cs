namespace Paywatch.Aws.Runtime;

/// <summary>The Runtime API answered a call with an unexpected status or left out a required header.</summary>
public sealed class RuntimeApiException : Exception
{
    public RuntimeApiException()
    {
    }

    public RuntimeApiException(string message)
        : base(message)
    {
    }

    public RuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
