namespace Paywatch.Local.Api;

/// <summary>
/// An error an AWS API answers with: its error type (<c>ResourceNotFoundException</c>, <c>ValidationException</c>,
/// ...), message and HTTP status, written in the protocol's error shape by <see cref="AwsApiServer"/>.
/// </summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(string errorType, string message, int statusCode = 400)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public AwsServiceException()
        : this("InternalFailure", "An internal error occurred.", 500)
    {
    }

    public AwsServiceException(string message)
        : this("ValidationException", message)
    {
    }

    public AwsServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = "InternalFailure";
        StatusCode = 500;
    }

    public string ErrorType { get; }

    public int StatusCode { get; }
}
