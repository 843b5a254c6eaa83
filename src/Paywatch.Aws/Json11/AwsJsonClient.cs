using Paywatch.Aws.Signing;

namespace Paywatch.Aws.Json11;

/// <summary>
/// A minimal AWS JSON 1.1 client: <c>POST /</c> with <c>Content-Type: application/x-amz-json-1.1</c> and
/// <c>X-Amz-Target: {prefix}.{operation}</c>, signed with Signature Version 4. Service errors, network errors and
/// timeouts come back as <see cref="AwsJsonError"/> values rather than exceptions, so the caller's retry loop decides;
/// only cancellation through the caller's token throws.
/// </summary>
public sealed class AwsJsonClient
{
    public const string ContentType = "application/x-amz-json-1.1";

    private readonly SignedRequestSender _sender;

    /// <param name="targetPrefix">The service's JSON target prefix, e.g. <c>AWSEvents</c> for EventBridge.</param>
    public AwsJsonClient(HttpClient http, SigV4Signer signer, Uri endpoint, string targetPrefix, TimeProvider? time = null)
    {
        _sender = new SignedRequestSender(http, signer, endpoint, time);
        ArgumentException.ThrowIfNullOrEmpty(targetPrefix);
        TargetPrefix = targetPrefix;
    }

    public Uri Endpoint => _sender.Endpoint;

    public string TargetPrefix { get; }

    /// <summary>Calls <paramref name="operation"/> with the JSON <paramref name="body"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AwsJsonResponse> SendAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        return _sender.SendAsync(
            HttpMethod.Post, "/", [], ContentType, [new("X-Amz-Target", TargetPrefix + "." + operation)], body, ReadError, cancellationToken);
    }

    private static AwsJsonError ReadError(int statusCode, string? errorTypeHeader, byte[] body) => AwsJsonErrors.Parse(statusCode, errorTypeHeader, body);
}
