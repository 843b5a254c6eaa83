using System.Formats.Cbor;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api;

/// <summary>
/// The Smithy RPC v2 CBOR protocol in front of JSON-protocol services: <c>POST /service/{TargetPrefix}/operation/{Operation}</c>
/// with a CBOR body, as the AWS CLI (botocore 1.40+) and recent SDKs call CloudWatch
/// (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html). <see cref="CborCodec"/> reads the request into
/// the neutral value the service takes and writes its answer back by the operation's output shape, so one
/// implementation serves both protocols.
/// </summary>
public static class RpcV2CborEndpoint
{
    /// <summary>Maps the route for <paramref name="services"/>: pass it to <see cref="AwsApiServer.StartAsync"/>'s <c>configure</c>.</summary>
    public static void Map(IEndpointRouteBuilder routes, IEnumerable<IAwsJsonService> services)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var byName = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
        routes.MapPost("/service/{service}/operation/{operation}", (HttpContext context, string service, string operation) =>
            HandleAsync(context, byName.GetValueOrDefault(service), operation));
    }

    /// <summary>A CBOR request body as the neutral value: see <see cref="CborCodec.ReadRequest"/>.</summary>
    internal static byte[] ToJson(byte[] cbor) => CborCodec.ReadRequest(cbor);

    private static async Task HandleAsync(HttpContext context, IAwsJsonService? service, string operation)
    {
        context.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentType = "application/cbor";
        byte[] response;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestLimits.MaxCloudWatchBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (service is null)
            {
                throw new AwsServiceException("UnknownOperationException", "No service here answers this RPC v2 path.");
            }

            var json = await service.HandleAsync(operation, CborCodec.ReadRequest(body), context.RequestAborted).ConfigureAwait(false);
            response = CborCodec.WriteResponse(ServiceModels.ByTargetPrefix(service.TargetPrefix)?.Operations.GetValueOrDefault(operation)?.Output, json);
        }
        catch (Exception e) when (e is AwsServiceException or CborContentException or InvalidOperationException or JsonException)
        {
            var error = e as AwsServiceException ?? new AwsServiceException("SerializationException", e.Message);
            context.Response.StatusCode = error.StatusCode;
            response = AwsErrorBody.Cbor(error.ErrorType, error.Message);
        }

        await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }
}
