using System.Xml;
using System.Xml.Linq;
using Paywatch.Aws.Json11;

namespace Paywatch.Aws.Query;

/// <summary>
/// Reads query-protocol error responses: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code&gt;…&lt;/Code&gt;&lt;Message&gt;…&lt;/Message&gt;&lt;/Error&gt;</c>
/// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization), classified as
/// <see cref="AwsJsonErrors"/> classifies JSON errors.
/// </summary>
public static class AwsQueryErrors
{
    /// <summary>The error of a non-2xx response; <paramref name="errorTypeHeader"/> is not used by the query protocol.</summary>
    public static AwsJsonError Parse(int statusCode, string? errorTypeHeader, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? code = null;
        string? message = null;
        try
        {
            var error = XDocument.Parse(Encoding.UTF8.GetString(body)).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            if (error is not null)
            {
                code = AwsQueryResponse.Child(error, "Code");
                message = AwsQueryResponse.Child(error, "Message");
            }
        }
        catch (XmlException)
        {
            // A proxy's HTML page or a truncated body: the status code still classifies the error.
        }

        var name = string.IsNullOrWhiteSpace(code) ? (statusCode >= 500 ? "ServiceUnavailable" : $"Http{statusCode}") : code.Trim();
        return new AwsJsonError(name, string.IsNullOrEmpty(message) ? $"HTTP {statusCode}" : message, statusCode, AwsJsonErrors.IsRetryable(name, statusCode));
    }
}
