using System.Text.Json;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// Holds every response to its operation's output shape when switched on (<c>PAYWATCH_API_CONFORMANCE=strict</c>,
/// as the twin's API tests run it): a missing required member, a mistyped one, a value outside its enum or a member
/// the model lacks becomes a 500 naming the fault, so that it fails a test instead of a user's SDK.
/// </summary>
internal static class ResponseConformance
{
    /// <summary>Read once: the tests set it before the first request (their module initializer, or the twin's environment).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("PAYWATCH_API_CONFORMANCE") == "strict";

    /// <exception cref="AwsServiceException">InternalFailure: the response breaks its output shape.</exception>
    public static void Check(ServiceModel? model, string operation, ReadOnlyMemory<byte> response)
    {
        if (!Enabled || model?.Operations.GetValueOrDefault(operation)?.Output is not { } output)
        {
            return;
        }

        using var document = JsonDocument.Parse(response.IsEmpty ? "{}"u8.ToArray() : response);
        var violations = ShapeValidator.Check(output, document.RootElement, isResponse: true);
        if (violations.Count > 0)
        {
            throw new AwsServiceException(
                "InternalFailure",
                $"The twin's {model.ServiceId} {operation} response breaks its output shape {output.Name}: {string.Join("; ", violations.Select(v => v.Kind == ShapeViolationKind.Type ? $"'{v.Path}' is not {v.Constraint}" : v.ToString()))}",
                500);
        }
    }
}
