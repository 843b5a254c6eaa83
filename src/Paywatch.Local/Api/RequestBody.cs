using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Paywatch.Local.Api;

/// <summary>
/// Reads a request body whole, but never more than a limit. A body sent with <c>Content-Encoding: gzip</c> is
/// decompressed as it is read, and the limit applies to what it decompresses to: SDKs compress large requests of
/// operations with Smithy's <c>requestCompression</c> trait (botocore: PutMetricData from 10 KiB on,
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-compression.html), and a small body that inflates past the
/// limit (a gzip bomb) is refused like a large one, after at most the limit has been held.
/// </summary>
internal static class RequestBody
{
    /// <exception cref="AwsServiceException">The body, decompressed, is longer than <paramref name="limit"/> (413), or is not valid gzip (400).</exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // The declared length is checked first and never trusted for the buffer's size: a Content-Length of 2 GB
        // must not allocate 2 GB before a byte has arrived.
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var gzip = request.Headers.ContentEncoding.ToString().Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase);
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, limit));
        await using var body = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
        var source = body ?? request.Body;
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limit (the largest of the endpoint's), or a body cut short: the client's fault, in the
            // protocol's error shape rather than Kestrel's bare status.
            throw new AwsServiceException(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "RequestEntityTooLargeException" : "SerializationException", e.Message, e.StatusCode);
        }
        catch (InvalidDataException e)
        {
            throw new AwsServiceException("SerializationException", $"The body is sent with Content-Encoding gzip but is not valid gzip: {e.Message}");
        }

        return buffer.ToArray();
    }

    private static AwsServiceException TooLarge(int limit) =>
        new("RequestEntityTooLargeException", $"The request body is larger than this endpoint's limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}
