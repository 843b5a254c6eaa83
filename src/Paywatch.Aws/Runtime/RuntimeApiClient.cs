using System.Globalization;
using System.Net.Http.Headers;

namespace Paywatch.Aws.Runtime;

/// <summary>
/// A client of the Lambda Runtime API, version 2018-06-01: next invocation, invocation response, invocation error
/// and initialization error (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
/// </summary>
/// <remarks>
/// One instance serves one execution environment, which handles one invocation at a time. The payload of an
/// invocation is read into a buffer reused by the next one, so a 6 MB batch does not cost 6 MB of fresh garbage
/// per invocation.
/// </remarks>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The environment variable Lambda sets to the Runtime API's <c>host:port</c>.</summary>
    public const string EndpointVariable = "AWS_LAMBDA_RUNTIME_API";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private byte[] _payload = new byte[64 * 1024];

    /// <param name="endpoint">The Runtime API's <c>host:port</c>, as <see cref="EndpointVariable"/> gives it.</param>
    /// <param name="handler">The HTTP handler; the default keeps one connection alive.</param>
    public RuntimeApiClient(string endpoint, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://{endpoint}/2018-06-01/", UriKind.Absolute),
            // /next blocks until Lambda has an invocation, for as long as the environment is frozen.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Waits for the next invocation.</summary>
    /// <exception cref="RuntimeApiException">The API answered with an error status or without a request id.</exception>
    public async Task<LambdaInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(
            "runtime/invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new RuntimeApiException($"GET runtime/invocation/next answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("The next invocation came without a Lambda-Runtime-Aws-Request-Id header.");
        var deadlineText = Header(response, "Lambda-Runtime-Deadline-Ms");
        if (!long.TryParse(deadlineText, NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs))
        {
            throw new RuntimeApiException($"Invocation {requestId} came with an unreadable Lambda-Runtime-Deadline-Ms header: '{deadlineText}'.");
        }

        var length = await ReadPayloadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        return new LambdaInvocation(
            requestId,
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            Header(response, "Lambda-Runtime-Invoked-Function-Arn"),
            Header(response, "Lambda-Runtime-Trace-Id"),
            _payload.AsMemory(0, length));
    }

    /// <summary>Posts the function's response to the invocation.</summary>
    public Task PostResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", response, errorType: null, cancellationToken);

    /// <summary>Reports that the invocation failed; Lambda then retries it as the event source prescribes.</summary>
    public Task PostInvocationErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error.ToUtf8Json(), error.ErrorType, cancellationToken);
    }

    /// <summary>Reports that the runtime could not initialize; Lambda then discards the environment.</summary>
    public Task PostInitErrorAsync(RuntimeError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync("runtime/init/error", error.ToUtf8Json(), error.ErrorType, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, ReadOnlyMemory<byte> body, string? errorType, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // 400/413 mean this post was refused (a response too large, an invocation already answered): say so,
            // since the alternative is an invocation that times out with no explanation.
            throw new RuntimeApiException($"POST {path} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }

    private async Task<int> ReadPayloadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } expected && expected > _payload.Length)
        {
            _payload = new byte[expected];
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            while (true)
            {
                if (length == _payload.Length)
                {
                    Array.Resize(ref _payload, _payload.Length * 2);
                }

                var read = await stream.ReadAsync(_payload.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length;
                }

                length += read;
            }
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
