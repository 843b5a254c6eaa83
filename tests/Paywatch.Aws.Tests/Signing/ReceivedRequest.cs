using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.Tests.Signing;

/// <summary>A request as a loopback server received it, and whether its SigV4 signature covers exactly what arrived.</summary>
internal sealed record ReceivedRequest(string Method, string RawTarget, string? ContentType, string? Target, string Authorization, string AmzDate, string? SecurityToken, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> SignedHeaders)
{
    public string Path => RawTarget.Split('?', 2)[0];

    /// <summary>The query string's parameters, decoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query => RawTarget.Contains('?', StringComparison.Ordinal)
        ? [.. RawTarget.Split('?', 2)[1].Split('&').Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])))]
        : [];

    public static async Task<ReceivedRequest> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers;
        var authorization = headers.Authorization.ToString();
        var signedNames = authorization.Split("SignedHeaders=", 2)[1].Split(',', 2)[0].Split(';');
        return new ReceivedRequest(
            context.Request.Method,
            context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
            context.Request.ContentType,
            headers["X-Amz-Target"].FirstOrDefault(),
            authorization,
            headers["X-Amz-Date"].ToString(),
            headers["X-Amz-Security-Token"].FirstOrDefault(),
            buffer.ToArray(),
            [.. signedNames.Select(n => KeyValuePair.Create(n, headers[n].ToString()))]);
    }

    /// <summary>Signs what arrived, with the same key, at the request's own X-Amz-Date: true when it gives the request's signature.</summary>
    public bool SignatureMatches(AwsCredentials credentials, string region, string service)
    {
        var expected = new SigV4Signer(credentials, region, service).Sign(
            new SigV4Request(Method, Uri.UnescapeDataString(Path), Query, SignedHeaders, SigV4Signer.Sha256Hex(Body)),
            DateTimeOffset.ParseExact(AmzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        return Authorization == expected.Authorization;
    }
}
