using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api;

/// <summary>
/// One operation of a restJson1 service (X-Ray, Lambda): reads the JSON body within a limit, runs the operation with a
/// JSON writer for its answer, and answers an error as restJson1 does: the type in <c>x-amzn-ErrorType</c>, the message
/// in the body (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
/// </summary>
internal static class RestJsonEndpoint
{
    /// <summary>
    /// Maps <paramref name="operationName"/> at the method, URI template and success status its model binds it to
    /// (<c>GET /2015-03-31/functions/{FunctionName}</c>: the URI's labels are route values), its answer held to the output shape.
    /// </summary>
    public static void Map(
        IEndpointRouteBuilder routes,
        ServiceModel model,
        string operationName,
        int maxBodyBytes,
        Func<HttpContext, JsonElement, JsonObject> operation,
        Func<string, AwsServiceException> invalid,
        bool faultType = false)
    {
        var binding = model.Operation(operationName);
        routes.MapMethods(binding.RequestUri, [binding.HttpMethod], (HttpContext context) =>
            HandleAsync(context, maxBodyBytes, request => operation(context, request), invalid, binding.SuccessStatus, faultType, (model, operationName)));
    }

    /// <param name="context">The request.</param>
    /// <param name="maxBodyBytes">The most the body may hold; an empty body reads as <c>{}</c> (a GET has none).</param>
    /// <param name="operation">Reads the body, answers the neutral response (<see cref="JsonCodec.Write"/> writes it).</param>
    /// <param name="invalid">The service's error for a body that is not a JSON object.</param>
    /// <param name="successStatus">The operation's status on success (Lambda answers some with 202).</param>
    /// <param name="faultType">
    /// The error body also names whose fault it is, as Lambda's errors do: <c>{"Type": "User", "Message": ...}</c>, or
    /// <c>"Service"</c> for a 5xx (the <c>Type</c> and <c>Message</c> members of every error shape in the Lambda API
    /// reference, e.g. https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors).
    /// </param>
    /// <param name="conformance">The model and operation whose output shape the answer is held to (<see cref="ResponseConformance"/>).</param>
    public static async Task HandleAsync(
        HttpContext context,
        int maxBodyBytes,
        Func<JsonElement, JsonObject> operation,
        Func<string, AwsServiceException> invalid,
        int successStatus = StatusCodes.Status200OK,
        bool faultType = false,
        (ServiceModel Model, string Operation)? conformance = null)
    {
        context.Response.Headers["x-amzn-RequestId"] = Uuid.NewString();
        context.Response.ContentType = "application/json";
        byte[] response;
        try
        {
            var body = await RequestBody.ReadAsync(context.Request, maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
            using var document = body.Length == 0
                ? JsonDocument.Parse("{}")
                : JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestLimits.MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw invalid("The request body must be a JSON object.");
            }

            response = JsonCodec.Write(operation(document.RootElement));
            if (conformance is var (model, name))
            {
                ResponseConformance.Check(model, name, response);
            }

            context.Response.StatusCode = successStatus;
        }
        catch (Exception e) when (e is AwsServiceException or JsonException)
        {
            var error = e as AwsServiceException ?? invalid($"The request body is not valid JSON: {e.Message}");
            context.Response.StatusCode = error.StatusCode;
            context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
            response = ErrorBody(error, faultType);
        }

        await context.Response.Body.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] ErrorBody(AwsServiceException error, bool faultType) => JsonCodec.Write(faultType
        ? new JsonObject { ["Type"] = error.StatusCode >= 500 ? "Service" : "User", ["Message"] = error.Message }
        : new JsonObject { ["message"] = error.Message });
}
