using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Paywatch.Web;

/// <summary>
/// The bundle built from client/ and embedded in this assembly (web/index.html, web/app.js, web/app.css), served
/// from memory, gzipped once at start for browsers that take it, with an ETag so that a reload revalidates cheaply.
/// </summary>
internal sealed class WebAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    private readonly Dictionary<string, Asset> _assets;

    private WebAssets(Dictionary<string, Asset> assets) => _assets = assets;

    /// <summary>The embedded files by name (index.html, app.js, app.css).</summary>
    public IReadOnlyDictionary<string, Asset> Assets => _assets;

    /// <exception cref="InvalidOperationException">The bundle is missing: the build did not run npm (see README).</exception>
    public static WebAssets Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("web/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource["web/".Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new Asset(buffer.ToArray(), type);
        }

        if (!assets.ContainsKey("index.html"))
        {
            throw new InvalidOperationException("The web UI's bundle is not in Paywatch.Web: its build needs Node.js and npm (client/).");
        }

        return new WebAssets(assets);
    }

    public void Map(WebApplication app)
    {
        app.MapGet("/", context => ServeAsync(context, _assets["index.html"]));
        foreach (var (name, asset) in _assets.Where(a => a.Key != "index.html"))
        {
            app.MapGet("/" + name, context => ServeAsync(context, asset));
        }
    }

    private static async Task ServeAsync(HttpContext context, Asset asset)
    {
        var response = context.Response;
        response.ContentType = asset.ContentType;
        response.Headers.ETag = asset.ETag;
        // Revalidate every time: the ETag makes that a 304, and a rebuilt paywatch is never served stale.
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var gzip = context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        var body = gzip ? asset.Gzipped : asset.Content;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    internal sealed class Asset
    {
        public Asset(byte[] content, string contentType)
        {
            Content = content;
            ContentType = contentType;
            ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"";
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
            {
                gzip.Write(content);
            }

            Gzipped = buffer.ToArray();
        }

        public byte[] Content { get; }

        public byte[] Gzipped { get; }

        public string ContentType { get; }

        public string ETag { get; }
    }
}
