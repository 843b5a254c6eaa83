using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.TestSupport;

/// <summary>
/// An EventBridge PutEvents endpoint for tests, on 127.0.0.1 only: it checks every request's Signature Version 4
/// signature against the credentials it was given (403 <c>InvalidSignatureException</c> otherwise), its
/// <c>X-Amz-Target</c> and content type, then answers as <see cref="Behavior"/> says and records what it accepted.
/// Point a client at <see cref="Url"/> (e.g. <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c> for a Lambda process).
/// </summary>
/// <remarks>
/// The signature is recomputed from the request as received on the wire (raw target, the headers named in
/// <c>SignedHeaders</c>, the body's hash) with Paywatch's <see cref="SigV4Signer"/>, whose canonicalisation the
/// published test-suite vectors pin down; what this adds is proof that a client signed exactly what it sent.
/// </remarks>
public sealed class PutEventsTestEndpoint : IAsyncDisposable
{
    private LoopbackHttpServer? _server;
    private readonly AwsCredentials _credentials;
    private readonly string _region;
    private readonly Lock _lock = new();
    private readonly List<ReceivedEvent> _events = [];
    private readonly List<PutEventsTestCall> _calls = [];
    private readonly List<string> _rejections = [];
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private int _requests;

    private PutEventsTestEndpoint(AwsCredentials credentials, string region)
    {
        _credentials = credentials;
        _region = region;
    }

    /// <summary>The endpoint's base URL, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Url => _server?.Url ?? throw new InvalidOperationException("The endpoint is not started.");

    /// <summary>Decides the answer to each correctly signed request; accepts everything when null.</summary>
    public Func<PutEventsTestCall, PutEventsTestReply>? Behavior { get; set; }

    /// <summary>The clock signatures are checked against; the request's X-Amz-Date may differ by <see cref="MaxClockSkew"/>.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>AWS refuses requests signed more than 5 minutes off; null disables the check.</summary>
    public TimeSpan? MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Every HTTP request received, signed or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The entries accepted, in the order their requests completed.</summary>
    public IReadOnlyList<ReceivedEvent> Events { get { lock (_lock) { return [.. _events]; } } }

    /// <summary>The correctly signed requests, with what they carried.</summary>
    public IReadOnlyList<PutEventsTestCall> Calls { get { lock (_lock) { return [.. _calls]; } } }

    /// <summary>Why requests were refused (bad signature, target, content type), one line each.</summary>
    public IReadOnlyList<string> Rejections { get { lock (_lock) { return [.. _rejections]; } } }

    /// <summary>Starts an endpoint that accepts requests signed with <paramref name="credentials"/> for <paramref name="region"/> and service <c>events</c>.</summary>
    public static async Task<PutEventsTestEndpoint> StartAsync(AwsCredentials credentials, string region = "us-east-1")
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var endpoint = new PutEventsTestEndpoint(credentials, region);
        endpoint._server = await LoopbackHttpServer.StartAsync(endpoint.HandleAsync).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>The environment a Lambda process needs to publish here: credentials, region and endpoint.</summary>
    public IReadOnlyDictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = _credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = _credentials.SecretAccessKey,
            ["AWS_REGION"] = _region,
            ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = Url.ToString(),
        };
        if (_credentials.SessionToken is not null)
        {
            environment["AWS_SESSION_TOKEN"] = _credentials.SessionToken;
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        using var bodyStream = new MemoryStream();
        await request.Body.CopyToAsync(bodyStream, context.RequestAborted).ConfigureAwait(false);
        var body = bodyStream.ToArray();

        var problem = VerifySignature(context, body);
        if (problem is not null)
        {
            await RejectAsync(context, 403, "InvalidSignatureException", problem).ConfigureAwait(false);
            return;
        }

        if (request.Headers["X-Amz-Target"].ToString() != "AWSEvents.PutEvents")
        {
            await RejectAsync(context, 400, "UnknownOperationException", $"X-Amz-Target '{request.Headers["X-Amz-Target"]}'").ConfigureAwait(false);
            return;
        }

        if (request.ContentType != "application/x-amz-json-1.1")
        {
            await RejectAsync(context, 400, "SerializationException", $"Content-Type '{request.ContentType}'").ConfigureAwait(false);
            return;
        }

        var entries = ParseEntries(body);
        PutEventsTestCall call;
        lock (_lock)
        {
            var attempts = entries.Select(e => _attempts[e.Detail] = _attempts.GetValueOrDefault(e.Detail) + 1).ToList();
            call = new PutEventsTestCall(_calls.Count + 1, entries, attempts, Encoding.UTF8.GetString(body));
            _calls.Add(call);
        }

        var reply = Behavior?.Invoke(call) ?? PutEventsTestReply.AcceptAll;
        if (reply.ErrorType is not null)
        {
            await WriteJsonAsync(context, reply.StatusCode, w =>
            {
                w.WriteString("__type", "com.amazon.coral.service#" + reply.ErrorType);
                w.WriteString("message", reply.ErrorMessage);
            }).ConfigureAwait(false);
            return;
        }

        var errors = reply.EntryErrors ?? [];
        lock (_lock)
        {
            _events.AddRange(entries.Where((_, i) => i >= errors.Count || errors[i] is null));
        }

        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteNumber("FailedEntryCount", errors.Count(e => e is not null));
            w.WriteStartArray("Entries");
            for (var i = 0; i < entries.Count; i++)
            {
                w.WriteStartObject();
                if (i < errors.Count && errors[i] is { } code)
                {
                    w.WriteString("ErrorCode", code);
                    w.WriteString("ErrorMessage", "injected entry fault");
                }
                else
                {
                    w.WriteString("EventId", Guid.NewGuid().ToString());
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private string? VerifySignature(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        const string prefix = SigV4Signer.Algorithm + " ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "no AWS4-HMAC-SHA256 Authorization header";
        }

        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
        {
            return "Authorization lacks Credential, SignedHeaders or Signature";
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        var expectedScope = $"{_credentials.AccessKeyId}/{(amzDate.Length >= 8 ? amzDate[..8] : "?")}/{_region}/events/aws4_request";
        if (credential != expectedScope)
        {
            return $"credential scope '{credential}', expected '{expectedScope}'";
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return "host and x-amz-date must be signed";
        }

        if (_credentials.SessionToken is { } token
            && (!names.Contains("x-amz-security-token") || request.Headers["X-Amz-Security-Token"].ToString() != token))
        {
            return "the session token is missing, unsigned or wrong";
        }

        if (MaxClockSkew is { } skew)
        {
            if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var signedAt)
                || (signedAt - Time.GetUtcNow()).Duration() > skew)
            {
                return $"X-Amz-Date '{amzDate}' is missing or too far from now";
            }
        }

        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0
            ? []
            : rawTarget[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""))
                .ToList();
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in names)
        {
            var values = request.Headers[name];
            if (values.Count == 0)
            {
                return $"signed header '{name}' is not in the request";
            }

            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v ?? "")));
        }

        var signer = new SigV4Signer(_credentials, _region, "events");
        var expected = signer.Sign(
            new SigV4Request(request.Method, Uri.UnescapeDataString(path), query, headers, SigV4Signer.Sha256Hex(body)),
            DateTimeOffset.UnixEpoch);
        return expected.Signature == signature ? null : $"signature mismatch; the canonical request expected was:\n{expected.CanonicalRequest}";
    }

    private async Task RejectAsync(HttpContext context, int status, string type, string message)
    {
        lock (_lock)
        {
            _rejections.Add($"{type}: {message}");
        }

        await WriteJsonAsync(context, status, w =>
        {
            w.WriteString("__type", type);
            w.WriteString("message", message);
        }).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private static List<ReceivedEvent> ParseEntries(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("Entries").EnumerateArray().Select(e => new ReceivedEvent(
            e.GetProperty("Source").GetString()!,
            e.GetProperty("DetailType").GetString()!,
            e.GetProperty("Detail").GetString()!,
            e.GetProperty("EventBusName").GetString()!,
            e.TryGetProperty(nameof(ReceivedEvent.Time), out var time) ? time.GetDecimal() : null))];
    }
}
