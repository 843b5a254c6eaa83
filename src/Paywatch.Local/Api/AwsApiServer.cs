using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api;

/// <summary>
/// The twin's AWS-compatible endpoint: one HTTP port (default 4600) that the unmodified AWS CLI and SDKs reach
/// with <c>--endpoint-url</c>. JSON-protocol requests are routed by <c>X-Amz-Target</c>, query-protocol requests
/// by the service in their SigV4 credential scope, restJson requests by the URI their operation's model binds them to
/// (<see cref="RestJsonEndpoint"/>); errors come back in each protocol's error shape. Signatures are not checked: the
/// endpoint listens on loopback only.
/// </summary>
public sealed class AwsApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, IAwsJsonService> _jsonServices;
    private readonly Dictionary<string, AwsService> _queryServices;

    private AwsApiServer(WebApplication app, IEnumerable<IAwsJsonService> json, IEnumerable<AwsService> query)
    {
        _app = app;
        _jsonServices = json.Where(s => s.TargetPrefix.Length > 0).ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
        _queryServices = query.ToDictionary(s => s.Model.SigningName, StringComparer.Ordinal);
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:4600/</c>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <param name="port">The port on 127.0.0.1; 0 picks a free one.</param>
    /// <param name="jsonServices">The JSON-protocol services (Kinesis, EventBridge, SQS, ...) and the restJson ones (Lambda, X-Ray).</param>
    /// <param name="queryServices">The services the query protocol reaches (CloudWatch, SNS).</param>
    /// <param name="configure">More routes on the same port (the web dashboard), mapped before the AWS APIs.</param>
    /// <param name="allowedHosts">The host names served (every route, <see cref="RequestAdmission"/>); loopback only when null.</param>
    public static async Task<AwsApiServer> StartAsync(
        int port,
        IEnumerable<IAwsJsonService> jsonServices,
        IEnumerable<AwsService>? queryServices = null,
        Action<WebApplication>? configure = null,
        AllowedHosts? allowedHosts = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http2 = null;
        builder.WebHost.UseKestrel(options =>
        {
            // Cleartext HTTP/2 (the JavaScript SDK's Kinesis client speaks it by prior knowledge) is served by a second,
            // loopback-only listener; Kestrel will not serve both protocols on one cleartext port.
            options.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                http2 = listen;
            });
            options.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => connection => Http2Handoff.RouteAsync(connection, next, () => http2!.IPEndPoint!));
            });
            // The largest body of any route; each route reads no more than its own limit (RequestLimits).
            options.Limits.MaxRequestBodySize = RequestLimits.MaxJsonBodyBytes;
        });
        var app = builder.Build();
        var services = jsonServices.ToList();
        var server = new AwsApiServer(app, services, queryServices ?? []);
        // Before every route, those added by configure included: none can be mapped around it.
        app.Use(new RequestAdmission(allowedHosts ?? AllowedHosts.LoopbackOnly).InvokeAsync);
        configure?.Invoke(app);
        foreach (var restJson in services.OfType<AwsService>().Where(s => s.Model.Protocols.Contains("rest-json")))
        {
            RestJsonEndpoint.Map(app, restJson);
        }

        app.MapPost("/", server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var internalAddress = http2!.IPEndPoint!.Port;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .First(a => new Uri(a).Port != internalAddress);
        server.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Uuid.NewString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        if (context.Request.Headers.TryGetValue("X-Amz-Target", out var target))
        {
            await HandleJsonAsync(context, target.ToString()).ConfigureAwait(false);
        }
        else
        {
            await HandleQueryAsync(context, requestId).ConfigureAwait(false);
        }
    }

    private async Task HandleJsonAsync(HttpContext context, string target)
    {
        var dot = target.LastIndexOf('.');
        var service = dot > 0 && _jsonServices.TryGetValue(target[..dot], out var found) ? found : null;
        context.Response.ContentType = $"application/x-amz-json-{service?.JsonVersion ?? "1.1"}";
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestLimits.MaxJsonBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (service is null)
            {
                throw new AwsServiceException("UnknownOperationException", $"No service here takes the target '{target}'.");
            }

            var response = await service.HandleAsync(target[(dot + 1)..], body, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsServiceException or JsonException or FormatException or InvalidOperationException)
        {
            var error = e as AwsServiceException ?? new AwsServiceException("SerializationException", e.Message);
            context.Response.StatusCode = error.StatusCode;
            // Both are read by SDKs: the header first, then __type (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
            context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
            await context.Response.Body.WriteAsync(AwsErrorBody.Json(error.ErrorType, error.Message), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task HandleQueryAsync(HttpContext context, string requestId)
    {
        var signingName = SigningName(context.Request.Headers.Authorization.ToString());
        context.Response.ContentType = "text/xml";
        AwsService? service = null;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestLimits.MaxCloudWatchBodyBytes, context.RequestAborted).ConfigureAwait(false);
            var parameters = ParseForm(Encoding.UTF8.GetString(body));
            if (signingName is null || !_queryServices.TryGetValue(signingName, out service))
            {
                throw new AwsServiceException("UnknownOperationException", "The request names no service this endpoint serves (no X-Amz-Target, no known SigV4 service).");
            }

            if (!parameters.TryGetValue("Action", out var action))
            {
                throw new AwsServiceException("MissingAction", "The request has no Action parameter.");
            }

            var operation = service.Model.Operation(action, "InvalidAction");
            var response = await service.HandleAsync(action, QueryCodec.ReadRequest(operation.Input, parameters), context.RequestAborted).ConfigureAwait(false);
            await context.Response.WriteAsync(QueryCodec.WriteResponse(operation, response, service.Model.XmlNamespace!, requestId), context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            context.Response.StatusCode = e.StatusCode;
            await context.Response.Body.WriteAsync(
                AwsErrorBody.QueryXml(e.ErrorType, e.Message, e.StatusCode, requestId, service?.Model.XmlNamespace), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The service of <c>Credential=AKID/20150830/us-east-1/monitoring/aws4_request</c>.</summary>
    private static string? SigningName(string authorization)
    {
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var scope = authorization[(start + "Credential=".Length)..].Split(',', 2)[0].Split('/');
        return scope.Length == 5 ? scope[3] : null;
    }

    /// <summary>
    /// <c>application/x-www-form-urlencoded</c>, as the query protocol sends it. The body's size bounds the work: one
    /// pass, no recursion; a malformed escape stays as it is (as <see cref="Uri.UnescapeDataString(string)"/> leaves it).
    /// </summary>
    private static Dictionary<string, string> ParseForm(string form)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            parameters[name] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }

        return parameters;
    }
}
