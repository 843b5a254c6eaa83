using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Paywatch.Local.Api;

/// <summary>
/// The first thing every request on the endpoint's port meets, whatever its route (the AWS APIs on <c>POST /</c>, RPC
/// v2 CBOR on <c>/service/...</c>, the web UI on <c>/</c> and <c>/api/</c>, and any route added later):
/// <list type="bullet">
/// <item>a <c>Host</c> (HTTP/2's <c>:authority</c>, which ASP.NET exposes as <c>Host</c>) that is not an
/// <see cref="AllowedHosts"/> name is refused with 403 before the route runs: a DNS-rebinding page reaches 127.0.0.1
/// under its own name, and must not read or change anything;</item>
/// <item>a state-changing request (any method but GET, HEAD, OPTIONS and TRACE) whose <c>Origin</c> is present and
/// not an allowed host is refused with 403: a page elsewhere may send a "simple" cross-origin POST (say
/// <c>Content-Type: text/plain</c>) with no CORS preflight (https://fetch.spec.whatwg.org/#cors-safelisted-request-header),
/// and AWS's CLI and SDKs outside browsers send no Origin;</item>
/// <item>the web API's bodies are held to <see cref="RequestLimits.MaxWebApiBodyBytes"/>.</item>
/// </list>
/// ASP.NET's own host filtering answers 400, knows no address ranges and does not look at Origin; this does all three.
/// The refusal comes in the route's protocol's error shape (AWS JSON, query XML, CBOR), else as the web API's
/// <c>{"error": "..."}</c>.
/// </summary>
internal sealed class RequestAdmission(AllowedHosts allowed)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!allowed.IsAllowed(request.Host.Host))
        {
            await RefuseAsync(context, $"The twin answers only to loopback names (localhost, 127.0.0.1, [::1]) and those given with --allow-host, not to Host '{request.Host.Value}'.").ConfigureAwait(false);
            return;
        }

        if (!IsSafe(request.Method) && request.Headers.Origin is [var origin, ..] && !IsAllowedOrigin(origin))
        {
            await RefuseAsync(context, $"The twin takes no state-changing request from a page at origin '{origin}': only loopback origins and those given with --allow-host.").ConfigureAwait(false);
            return;
        }

        if (!request.Path.StartsWithSegments("/service") && !IsAwsRoot(request)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = RequestLimits.MaxWebApiBodyBytes;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    /// <summary>An origin is <c>scheme://host[:port]</c>, or <c>null</c> (a sandboxed frame, a file: page), which is never allowed.</summary>
    private bool IsAllowedOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && allowed.IsAllowed(uri.Host);

    private static bool IsAwsRoot(HttpRequest request) => request.Path == "/" && HttpMethods.IsPost(request.Method);

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        const string type = "AccessDeniedException";
        var request = context.Request;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        byte[] body;
        if (request.Path.StartsWithSegments("/service"))
        {
            response.Headers["smithy-protocol"] = "rpc-v2-cbor";
            response.ContentType = "application/cbor";
            body = AwsErrorBody.Cbor(type, message);
        }
        else if (IsAwsRoot(request) && request.Headers.ContainsKey("X-Amz-Target"))
        {
            var version = request.ContentType?.StartsWith("application/x-amz-json-1.0", StringComparison.OrdinalIgnoreCase) == true ? "1.0" : "1.1";
            response.ContentType = $"application/x-amz-json-{version}";
            response.Headers["x-amzn-ErrorType"] = type;
            body = AwsErrorBody.Json(type, message);
        }
        else if (IsAwsRoot(request) && request.HasFormContentType)
        {
            response.ContentType = "text/xml";
            body = AwsErrorBody.QueryXml(type, message, response.StatusCode, Uuid.NewString());
        }
        else
        {
            response.ContentType = "application/json";
            body = WebError(message);
        }

        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The web API's error shape (docs/web-ui.md).</summary>
    private static byte[] WebError(string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
