using System.Text.Json;

namespace Paywatch.Local.Api;

/// <summary>CloudWatch Logs request members and errors shared by its operations.</summary>
internal static class LogsJson
{
    public static void RefuseUnmask(JsonElement request)
    {
        if (request.TryGetProperty("unmask", out var unmask) && unmask.ValueKind == JsonValueKind.True)
        {
            throw Invalid("unmask: the twin has no data protection policies, so nothing is masked.");
        }
    }

    public static void RefuseUnsupported(JsonElement request, string member)
    {
        if (request.TryGetProperty(member, out _))
        {
            throw Invalid($"{member} is not supported by the twin.");
        }
    }

    public static AwsServiceException Invalid(string message) => new("InvalidParameterException", message);

    public static AwsServiceException InvalidToken() => new("InvalidParameterException", "The specified nextToken is invalid: pass back a token this operation returned.");
}
