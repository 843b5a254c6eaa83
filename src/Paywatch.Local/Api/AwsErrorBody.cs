using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;

namespace Paywatch.Local.Api;

/// <summary>An error's body in each protocol's error shape, so that SDKs read the error type and message.</summary>
internal static class AwsErrorBody
{
    /// <summary>
    /// AWS JSON 1.0/1.1: <c>{"__type": ..., "message": ...}</c>, with the <c>x-amzn-ErrorType</c> header beside it
    /// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
    /// </summary>
    public static byte[] Json(string type, string message) => JsonCodec.Write(new JsonObject { ["__type"] = type, ["message"] = message });

    /// <summary>The query protocol's XML (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization).</summary>
    public static byte[] QueryXml(string type, string message, int statusCode, string requestId, string? xmlNamespace = null)
    {
        var sender = statusCode >= 500 ? "Receiver" : "Sender";
        var xmlns = xmlNamespace is null ? "" : $" xmlns=\"{xmlNamespace}\"";
        return Encoding.UTF8.GetBytes(
            $"<ErrorResponse{xmlns}><Error><Type>{sender}</Type><Code>{SecurityElement.Escape(type)}</Code><Message>{SecurityElement.Escape(message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>");
    }

    /// <summary>RPC v2 CBOR: the same map of <c>__type</c> and <c>message</c> (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#operation-error-serialization).</summary>
    public static byte[] Cbor(string type, string message) => CborCodec.WriteResponse(null, Json(type, message));
}
