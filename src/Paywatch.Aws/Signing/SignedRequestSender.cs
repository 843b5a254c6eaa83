using System.Net.Http.Headers;
using Paywatch.Aws.Json11;

namespace Paywatch.Aws.Signing;

/// <summary>
/// Sends one request signed with Signature Version 4, signing exactly what goes on the wire, for every AWS protocol
/// client (JSON 1.1, query, restJson). Service errors, network errors and timeouts come back as <see cref="AwsJsonError"/>
/// values, read by the protocol's own error reader, rather than as exceptions; only cancellation through the caller's
/// token throws.
/// </summary>
public sealed class SignedRequestSender
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public SignedRequestSender(HttpClient http, SigV4Signer signer, Uri endpoint, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        Signer = signer ?? throw new ArgumentNullException(nameof(signer));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _time = time ?? TimeProvider.System;
    }

    public SigV4Signer Signer { get; }

    public Uri Endpoint { get; }

    /// <summary>Reads a non-2xx response: its status, the <c>X-Amzn-ErrorType</c> header (or null) and its body.</summary>
    public delegate AwsJsonError ErrorReader(int statusCode, string? errorTypeHeader, byte[] body);

    /// <param name="method">GET, POST, PUT.</param>
    /// <param name="path">The operation's path after the endpoint's own (<c>/</c> for the RPC protocols), as sent on the wire.</param>
    /// <param name="query">Query parameters, decoded; encoded once on the wire as SigV4 encodes them, so both agree.</param>
    /// <param name="contentType">The body's media type; null for a request without a body.</param>
    /// <param name="headers">More headers to send and sign, e.g. <c>X-Amz-Target</c>.</param>
    /// <param name="body">The payload (empty for none).</param>
    /// <param name="readError">The protocol's error reader.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AwsJsonResponse> SendAsync(
        HttpMethod method,
        string path,
        IReadOnlyList<KeyValuePair<string, string>> query,
        string? contentType,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body,
        ErrorReader readError,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(readError);
        var basePath = Endpoint.AbsolutePath.TrimEnd('/');
        // An endpoint with a path of its own (a proxy's) keeps it: the RPC protocols post to it as it is.
        var fullPath = basePath.Length == 0 ? path : path == "/" ? Endpoint.AbsolutePath : basePath + path;
        var queryText = string.Join('&', query.Select(p => SigV4Signer.UriEncode(p.Key) + "=" + SigV4Signer.UriEncode(p.Value)));
        using var request = new HttpRequestMessage(method, new Uri(Endpoint.GetLeftPart(UriPartial.Authority) + fullPath + (queryText.Length > 0 ? "?" + queryText : "")));
        var signed = new List<KeyValuePair<string, string>>(headers.Count + 2) { new("Host", Endpoint.Authority) };
        if (contentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            signed.Add(new("Content-Type", contentType));
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
            signed.Add(new(name, value));
        }

        // HttpClient sends Host as the URI's authority (no default port): the signature covers that very value.
        var signature = Signer.Sign(new SigV4Request(method.Method, fullPath, query, signed, SigV4Signer.Sha256Hex(body.Span)), _time.GetUtcNow());
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", signature.SecurityToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AwsJsonResponse(status, responseBody, null);
            }

            var typeHeader = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            return new AwsJsonResponse(status, responseBody, readError(status, typeHeader, responseBody));
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
