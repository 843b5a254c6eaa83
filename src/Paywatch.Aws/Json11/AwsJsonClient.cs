using System.Net.Http.Headers;
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

    private static readonly MediaTypeHeaderValue ContentTypeHeader = new(ContentType);

    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly TimeProvider _time;

    /// <param name="targetPrefix">The service's JSON target prefix, e.g. <c>AWSEvents</c> for EventBridge.</param>
    public AwsJsonClient(HttpClient http, SigV4Signer signer, Uri endpoint, string targetPrefix, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        ArgumentException.ThrowIfNullOrEmpty(targetPrefix);
        TargetPrefix = targetPrefix;
        _time = time ?? TimeProvider.System;
    }

    public Uri Endpoint { get; }

    public string TargetPrefix { get; }

    /// <summary>Calls <paramref name="operation"/> with the JSON <paramref name="body"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AwsJsonResponse> SendAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        var target = TargetPrefix + "." + operation;
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.ContentType = ContentTypeHeader;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);

        // Sign exactly what goes on the wire: HttpClient sends Host as the URI's authority (no default port).
        var signature = _signer.Sign(
            new SigV4Request(
                "POST",
                string.IsNullOrEmpty(Endpoint.AbsolutePath) ? "/" : Endpoint.AbsolutePath,
                [],
                [new("Host", Endpoint.Authority), new("Content-Type", ContentType), new("X-Amz-Target", target)],
                SigV4Signer.Sha256Hex(body.Span)),
            _time.GetUtcNow());
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", signature.SecurityToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
                .ConfigureAwait(false);
            var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AwsJsonResponse(status, responseBody, null);
            }

            var typeHeader = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            return new AwsJsonResponse(status, responseBody, AwsJsonErrors.Parse(status, typeHeader, responseBody));
        }
        catch (HttpRequestException e)
        {
            return new AwsJsonResponse(0, [], new AwsJsonError("NetworkError", DescribeNetworkError(e), 0, IsRetryable: true));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed: the caller's deadline has not, so this attempt may be retried.
            return new AwsJsonResponse(0, [], new AwsJsonError("RequestTimeout", e.Message, 0, IsRetryable: true));
        }
    }

    /// <summary>The cause in a user's words (no DNS answer, nothing listening, a TLS failure), then .NET's message and its inner one.</summary>
    private static string DescribeNetworkError(HttpRequestException e)
    {
        var cause = e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "DNS lookup failed",
            HttpRequestError.ConnectionError => "cannot connect",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => "bad or cut-off response",
            _ => "request failed",
        };
        return e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{cause}: {e.Message} {inner.Message}"
            : $"{cause}: {e.Message}";
    }
}
