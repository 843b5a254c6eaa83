using System.Net;
using System.Text.Json;

namespace Paywatch.Aws.Json11;

/// <summary>
/// Reads AWS JSON 1.1 error responses and classifies them. The type comes from the <c>X-Amzn-ErrorType</c> header
/// when present, else from the body's <c>__type</c> (or <c>code</c>), with anything up to <c>#</c> and from
/// <c>:</c> on removed, as the Smithy <c>awsJson1_1</c> protocol describes
/// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
/// </summary>
public static class AwsJsonErrors
{
    // The throttling and transient error codes the AWS SDKs retry (the "standard" retry mode,
    // https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), plus EventBridge's InternalException.
    private static readonly HashSet<string> RetryableTypes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "InternalException", "InternalFailure", "InternalError", "InternalServerError",
        "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException",
    };

    /// <summary>Whether an error of this type or status may succeed when retried: 5xx, 429 and the throttling/transient types.</summary>
    public static bool IsRetryable(string type, int statusCode) =>
        statusCode >= 500 || statusCode == (int)HttpStatusCode.TooManyRequests || RetryableTypes.Contains(type);

    /// <summary>The error of a non-2xx response.</summary>
    public static AwsJsonError Parse(int statusCode, string? errorTypeHeader, ReadOnlySpan<byte> body)
    {
        string? type = null;
        string? message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("__type"u8) || (reader.ValueTextEquals("code"u8) && type is null))
                    {
                        reader.Read();
                        type = reader.TokenType == JsonTokenType.String ? reader.GetString() : type;
                    }
                    else if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("Message"u8))
                    {
                        reader.Read();
                        message = reader.TokenType == JsonTokenType.String ? reader.GetString() : message;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page or a truncated body: the status code still classifies the error.
        }

        var name = Sanitize(string.IsNullOrEmpty(errorTypeHeader) ? type : errorTypeHeader);
        name ??= statusCode >= 500 ? "ServiceUnavailable" : $"Http{statusCode}";
        return new AwsJsonError(name, message ?? $"HTTP {statusCode}", statusCode, IsRetryable(name, statusCode));
    }

    private static string? Sanitize(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var hash = type.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            type = type[(hash + 1)..];
        }

        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return (colon >= 0 ? type[..colon] : type).Trim();
    }
}
