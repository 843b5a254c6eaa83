namespace Paywatch.Aws.Json11;

/// <summary>An AWS API refused a request with an error no retry can cure; the type and message are AWS's.</summary>
public sealed class AwsRequestException : Exception
{
    public AwsRequestException(string errorType, string message, int statusCode)
        : base($"{errorType}: {message}")
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public AwsRequestException()
        : this("Unknown", "The request failed.", 0)
    {
    }

    public AwsRequestException(string message)
        : this("Unknown", message, 0)
    {
    }

    public AwsRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = "Unknown";
    }

    public string ErrorType { get; }

    public int StatusCode { get; }
}
