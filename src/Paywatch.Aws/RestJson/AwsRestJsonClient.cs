using Paywatch.Aws.Json11;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.RestJson;

/// <summary>
/// A minimal AWS restJson1 client (Lambda, X-Ray): an operation is a method and a path, its input in the query string
/// or a JSON body, signed with Signature Version 4 (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
/// Errors are read as JSON errors are (the <c>X-Amzn-ErrorType</c> header, else the body's type) and come back as values.
/// </summary>
public sealed class AwsRestJsonClient
{
    public const string ContentType = "application/json";

    private readonly SignedRequestSender _sender;

    public AwsRestJsonClient(HttpClient http, SigV4Signer signer, Uri endpoint, TimeProvider? time = null) =>
        _sender = new SignedRequestSender(http, signer, endpoint, time);

    public Uri Endpoint => _sender.Endpoint;

    /// <summary><c>GET {path}?{query}</c>, e.g. Lambda's ListEventSourceMappings.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AwsJsonResponse> GetAsync(string path, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken) =>
        _sender.SendAsync(HttpMethod.Get, path, query, null, [], ReadOnlyMemory<byte>.Empty, ReadError, cancellationToken);

    /// <summary><c>POST {path}</c> with a JSON body, e.g. X-Ray's BatchGetTraces.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AwsJsonResponse> PostAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _sender.SendAsync(HttpMethod.Post, path, [], ContentType, [], body, ReadError, cancellationToken);

    private static AwsJsonError ReadError(int statusCode, string? errorTypeHeader, byte[] body) => AwsJsonErrors.Parse(statusCode, errorTypeHeader, body);
}
