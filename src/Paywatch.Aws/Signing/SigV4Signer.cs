using System.Globalization;
using System.Security.Cryptography;

namespace Paywatch.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 with header authorization
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): canonical request, string to
/// sign, the HMAC-SHA256 signing-key chain, the <c>Authorization</c> header. Checked against AWS's published
/// Signature Version 4 test suite.
/// </summary>
/// <remarks>
/// Written here rather than taken from AWSSDK.Core: its signer is bound to the SDK's request pipeline
/// (<c>IRequest</c>, client configs) and would pull the whole runtime into the Native AOT Lambda for one HMAC chain.
/// Thread-safe; the signing key is derived once per UTC day.
/// </remarks>
public sealed class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The hex SHA-256 of an empty payload.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly Lock _keyLock = new();
    private (string Date, byte[] Key)? _signingKey;

    public SigV4Signer(AwsCredentials credentials, string region, string service)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        Region = region;
        Service = service;
    }

    public AwsCredentials Credentials { get; }

    public string Region { get; }

    public string Service { get; }

    /// <summary>
    /// Signs <paramref name="request"/> at <paramref name="time"/>. <c>X-Amz-Date</c> and, with a session token,
    /// <c>X-Amz-Security-Token</c> are added to the signed headers unless the request already has them; the caller
    /// sends them with the returned <see cref="SigV4Signature.Authorization"/>.
    /// </summary>
    public SigV4Signature Sign(SigV4Request request, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count + 2);
        headers.AddRange(request.Headers);
        var amzDateHeader = Find(headers, "x-amz-date");
        if (amzDateHeader is null)
        {
            headers.Add(new("X-Amz-Date", amzDate));
        }
        else
        {
            amzDate = amzDateHeader;
            date = amzDate[..8];
        }

        var token = Credentials.SessionToken;
        if (token is not null && Find(headers, "x-amz-security-token") is null)
        {
            headers.Add(new("X-Amz-Security-Token", token));
        }

        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
        var canonicalRequest = string.Join('\n',
            request.Method, CanonicalUri(request.Path), CanonicalQuery(request.Query), canonicalHeaders, signedHeaders,
            request.PayloadHash);
        var scope = $"{date}/{Region}/{Service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest)));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={Credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signature, authorization, amzDate, token);
    }

    /// <summary>The lower-case hex SHA-256 of <paramref name="payload"/>, as the canonical request carries it.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// The canonical URI: dot segments removed and empty segments collapsed (the suite's "normalized" cases), then
    /// each segment URI-encoded, keeping a trailing slash.
    /// </summary>
    public static string CanonicalUri(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(UriEncode(segment));
        }

        if (segments.Count == 0)
        {
            return "/";
        }

        var trailing = path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal);
        return "/" + string.Join('/', segments) + (trailing ? "/" : "");
    }

    /// <summary>Parameters encoded, then sorted by name and value (byte order), joined as <c>name=value&amp;...</c>.</summary>
    public static string CanonicalQuery(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Count == 0)
        {
            return "";
        }

        var encoded = new List<(string Name, string Value)>(query.Count);
        foreach (var (name, value) in query)
        {
            encoded.Add((UriEncode(name), UriEncode(value)));
        }

        encoded.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// Canonical headers (lower-case names, sorted; values trimmed with inner runs of spaces collapsed; a repeated
    /// name's values joined by commas in the order given) and the signed-headers list.
    /// </summary>
    public static (string CanonicalHeaders, string SignedHeaders) CanonicalHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
            {
                byName[key] = values = [];
            }

            values.Add(TrimAll(value));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
        {
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other UTF-8 byte as %XX (upper case).</summary>
    public static string UriEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && IsUnreserved((char)rune.Value))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static string TrimAll(string value)
    {
        var trimmed = value.AsSpan().Trim();
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string? Find(List<KeyValuePair<string, string>> headers, string lowerName)
    {
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, lowerName, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private byte[] SigningKey(string date)
    {
        lock (_keyLock)
        {
            if (_signingKey is { } cached && cached.Date == date)
            {
                return cached.Key;
            }

            var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + Credentials.SecretAccessKey), Encoding.UTF8.GetBytes(date));
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
            key = HMACSHA256.HashData(key, "aws4_request"u8);
            _signingKey = (date, key);
            return key;
        }
    }
}
