using Microsoft.AspNetCore.Http;

namespace Paywatch.Local.Api;

/// <summary>Reads a request body whole, but never more than a limit.</summary>
internal static class RequestBody
{
    /// <exception cref="AwsServiceException">The body is longer than <paramref name="limit"/> (413).</exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // The declared length is checked first and never trusted for the buffer's size: a Content-Length of 2 GB
        // must not allocate 2 GB before a byte has arrived.
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, limit));
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
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

        return buffer.ToArray();
    }

    private static AwsServiceException TooLarge(int limit) =>
        new("RequestEntityTooLargeException", $"The request body is larger than this endpoint's limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}
