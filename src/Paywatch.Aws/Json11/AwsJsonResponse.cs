namespace Paywatch.Aws.Json11;

/// <summary>A JSON 1.1 call's outcome: the 2xx body, or the error.</summary>
public sealed record AwsJsonResponse(int StatusCode, byte[] Body, AwsJsonError? Error)
{
    public bool IsSuccess => Error is null;
}
