using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Paywatch.Web.Tests;

/// <summary>
/// The page and its bundle on the twin's port: the right content types, gzip for a client that asks for it
/// (Accept-Encoding, RFC 9110 §12.5.3), and an ETag that a revalidation with If-None-Match answers with 304 Not Modified
/// (RFC 9110 §13.1.2, §15.4.5).
/// </summary>
public sealed class WebAssetsTests
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task Each_asset_is_served_with_its_type_gzipped_when_asked_and_304_when_unchanged(string path, string type)
    {
        await using var web = await WebTwin.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = web.Twin.Api.Url };

        using var plain = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(type, plain.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", plain.Content.Headers.ContentType?.CharSet);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var content = await plain.Content.ReadAsByteArrayAsync();
        Assert.NotEmpty(content);
        if (path == "/")
        {
            Assert.Contains("<html", System.Text.Encoding.UTF8.GetString(content), StringComparison.OrdinalIgnoreCase);
        }

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var gzipped = await http.SendAsync(gzipRequest);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        await using (var unzip = new GZipStream(await gzipped.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        using (var buffer = new MemoryStream())
        {
            await unzip.CopyToAsync(buffer);
            Assert.Equal(content, buffer.ToArray());
        }

        var etag = plain.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal(etag, gzipped.Headers.ETag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000000000000000\""));
        using var changed = await http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }
}
