using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api;

/// <summary>
/// The restJson1 protocol (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html) for X-Ray and Lambda, driven
/// by the operation's model: it is routed at the method, URI template and success status the model binds it to
/// (<c>GET /2015-03-31/functions/{FunctionName}</c>), the body and the members the model binds to the URI, query string
/// and headers are read into one neutral request typed by the input shape, which <see cref="ShapeValidator"/> checks, and
/// the handler's answer is held to the output shape. An error answers as restJson1 does: the type in
/// <c>x-amzn-ErrorType</c>, the message in the body.
/// </summary>
internal static class RestJsonEndpoint
{
    /// <summary>Maps every operation of <paramref name="service"/>'s model at the method and URI template it binds the operation to.</summary>
    public static void Map(IEndpointRouteBuilder routes, AwsService service)
    {
        foreach (var binding in service.Model.Operations.Values)
        {
            routes.MapMethods(binding.RequestUri.Split('?')[0], [binding.HttpMethod], (HttpContext context) => HandleAsync(context, service, binding));
        }
    }

    private static async Task HandleAsync(HttpContext context, AwsService service, OperationModel binding)
    {
        context.Response.Headers["x-amzn-RequestId"] = Uuid.NewString();
        context.Response.ContentType = "application/json";
        byte[] response;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestLimits.MaxRestJsonBodyBytes, context.RequestAborted).ConfigureAwait(false);
            response = await service.HandleAsync(binding.Name, ReadRequest(binding.Input, context.Request, body, service.TypeErrorType), context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = binding.SuccessStatus;
        }
        catch (Exception e) when (e is AwsServiceException or JsonException)
        {
            var error = e as AwsServiceException ?? new AwsServiceException(service.TypeErrorType, $"The request body is not valid JSON: {e.Message}");
            context.Response.StatusCode = error.StatusCode;
            context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
            response = JsonCodec.Write(service.RestJsonErrorBody(error));
        }

        await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The body (an empty one is <c>{}</c>) with the members bound to the URI, query string and headers, each typed by its shape.</summary>
    private static byte[] ReadRequest(Shape? input, HttpRequest http, byte[] body, string errorType)
    {
        var bound = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
        foreach (var member in input?.Members ?? [])
        {
            var text = member.Location switch
            {
                "uri" => http.RouteValues[member.WireName] as string,
                "querystring" => http.Query.TryGetValue(member.WireName, out var values) && values.Count > 0 ? values[^1] : null,
                "header" => http.Headers.TryGetValue(member.WireName, out var header) ? header.ToString() : null,
                _ => null,
            };
            if (text is not null)
            {
                bound[member.Name] = Scalar(member.Target, text);
            }
        }

        using var document = AwsJsonBody.Parse(body, errorType);

        return NeutralValue.Write(writer =>
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject().Where(p => !bound.ContainsKey(p.Name)))
            {
                property.WriteTo(writer);
            }

            foreach (var (name, value) in bound)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Text as its shape's type; text that is not stays text, for <see cref="ShapeValidator"/> to refuse.</summary>
    private static JsonValue Scalar(Shape shape, string text) =>
        shape.IsInteger && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? JsonValue.Create(integer)
        : shape.Type == "boolean" && bool.TryParse(text, out var flag) ? JsonValue.Create(flag)
        : JsonValue.Create(text);
}
