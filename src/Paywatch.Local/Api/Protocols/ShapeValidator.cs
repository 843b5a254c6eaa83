using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// Checks a neutral value against its shape, in one place for every service: required members, types, and the
/// model's enum, length, range and pattern constraints (a blob's length is that of its bytes, not of their base64
/// text). Requests are refused with AWS's validation message ("1 validation error detected: Value … at '…' failed to
/// satisfy constraint: …"); responses are checked by <see cref="ResponseConformance"/>.
/// </summary>
internal static class ShapeValidator
{
    /// <summary>The most violations one message lists.</summary>
    private const int MaxReported = 10;

    /// <param name="constraintErrorType">The service's error for constraints: <c>ValidationException</c>, or CloudWatch's <c>ValidationError</c>.</param>
    /// <param name="missingErrorType">The service's own error for a missing required member (CloudWatch's <c>MissingParameter</c>), or null for the constraint error.</param>
    /// <param name="typeErrorType">The error for a value not of its shape's type: <c>SerializationException</c>, or the service's own.</param>
    /// <exception cref="AwsServiceException">The request breaks its shape.</exception>
    public static void ValidateRequest(
        Shape? input, JsonElement request, string constraintErrorType = "ValidationException", string? missingErrorType = null, string typeErrorType = "SerializationException")
    {
        if (input is null)
        {
            return;
        }

        var violations = Check(input, request, isResponse: false);
        if (violations.Count == 0)
        {
            return;
        }

        if (violations.FirstOrDefault(v => v.Kind == ShapeViolationKind.Type) is { } type)
        {
            throw new AwsServiceException(typeErrorType, $"The value at '{type.Path}' is not {type.Constraint}.");
        }

        if (missingErrorType is not null && violations.FirstOrDefault(v => v.Kind == ShapeViolationKind.Missing) is { } missing)
        {
            throw new AwsServiceException(missingErrorType, $"The parameter {missing.Path} is required.");
        }

        throw ConstraintError(violations, constraintErrorType);
    }

    /// <summary>AWS's error for broken constraints: "2 validation errors detected: Value … ; Value …", at most ten listed.</summary>
    public static AwsServiceException ConstraintError(IReadOnlyCollection<ShapeViolation> violations, string errorType = "ValidationException")
    {
        var count = violations.Count == 1 ? "1 validation error" : $"{violations.Count} validation errors";
        return new AwsServiceException(errorType, $"{count} detected: {string.Join("; ", violations.Take(MaxReported))}");
    }

    /// <summary>Every violation of <paramref name="shape"/>; a response is held to its type, required members and enums, and may hold no member its shape lacks.</summary>
    public static List<ShapeViolation> Check(Shape shape, JsonElement value, bool isResponse)
    {
        var violations = new List<ShapeViolation>();
        CheckStructure(shape, value, "", isResponse, violations);
        return violations;
    }

    private static void CheckStructure(Shape shape, JsonElement value, string path, bool isResponse, List<ShapeViolation> violations)
    {
        foreach (var member in shape.Members)
        {
            // A restJson response's members bound to headers are not in its body (a request's are read into the neutral value).
            if (isResponse && member.Location is not null && member.Location != "body")
            {
                continue;
            }

            var memberPath = path + char.ToLowerInvariant(member.Name[0]) + member.Name[1..];
            if (value.TryGetProperty(member.Name, out var memberValue) && memberValue.ValueKind != JsonValueKind.Null)
            {
                CheckValue(member, memberValue, memberPath, isResponse, violations);
            }
            else if (shape.Required.Contains(member.Name))
            {
                violations.Add(new ShapeViolation(memberPath, null, "Member must not be null", ShapeViolationKind.Missing));
            }
        }

        if (isResponse)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (shape.FindMember(property.Name) is null)
                {
                    violations.Add(new ShapeViolation(path + property.Name, null, $"a member of {shape.Name}", ShapeViolationKind.Type));
                }
            }
        }
    }

    private static void CheckValue(ShapeMember member, JsonElement value, string path, bool isResponse, List<ShapeViolation> violations)
    {
        var shape = member.Target;
        if (!HasType(member, value, isResponse))
        {
            violations.Add(new ShapeViolation(path, null, $"of type {shape.Type} ({shape.Name})", ShapeViolationKind.Type));
            return;
        }

        switch (shape.Type)
        {
            case "structure":
                CheckStructure(shape, value, path + ".", isResponse, violations);
                return;
            case "list":
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CheckValue(shape.Member!, item, $"{path}.{++i}.member", isResponse, violations);
                }

                CheckLength(shape, value.GetArrayLength(), path, null, isResponse, violations);
                return;
            case "map":
                foreach (var entry in value.EnumerateObject())
                {
                    CheckValue(shape.Value!, entry.Value, $"{path}.{entry.Name}", isResponse, violations);
                }

                return;
            case "string" when shape.Enum.Count > 0 && !shape.Enum.Contains(value.GetString()!):
                violations.Add(new ShapeViolation(path, value.GetString(), $"Member must satisfy enum value set: [{string.Join(", ", shape.Enum)}]", ShapeViolationKind.Constraint));
                return;
            case "string":
                var characters = value.GetString()!;
                CheckLength(shape, characters.Length, path, characters, isResponse, violations);
                CheckPattern(shape, characters, path, isResponse, violations);
                return;
            case "blob" when !isResponse && BoundedBlobLength(shape, value) is { } bytes:
                CheckLength(shape, bytes, path, ShapeViolation.ByteBufferValue(bytes), isResponse, violations);
                return;
            case "integer" or "long" or "double" or "float" when !isResponse:
                var number = value.GetDouble();
                var text = number.ToString(CultureInfo.InvariantCulture);
                if (number < shape.Min)
                {
                    violations.Add(new ShapeViolation(path, text, $"Member must have value greater than or equal to {shape.Min}", ShapeViolationKind.Constraint));
                }
                else if (number > shape.Max)
                {
                    violations.Add(new ShapeViolation(path, text, $"Member must have value less than or equal to {shape.Max}", ShapeViolationKind.Constraint));
                }

                return;
            default:
                return;
        }
    }

    // Responses are held to types and enums only: AWS's own answers are what its SDKs accept.
    private static void CheckLength(Shape shape, int length, string path, string? value, bool isResponse, List<ShapeViolation> violations)
    {
        if (isResponse)
        {
            return;
        }

        if (length < shape.Min)
        {
            violations.Add(new ShapeViolation(path, value, $"Member must have length greater than or equal to {shape.Min}", ShapeViolationKind.Constraint));
        }
        else if (length > shape.Max)
        {
            violations.Add(new ShapeViolation(path, value, $"Member must have length less than or equal to {shape.Max}", ShapeViolationKind.Constraint));
        }
    }

    // AWS lists every constraint a value breaks: an empty name is too short and off its pattern, "2 validation errors
    // detected: Value '' at 'stackName' ..." (https://github.com/flynn/flynn/issues/3951). Its order differs between
    // services; the twin's is the length first.
    private static void CheckPattern(Shape shape, string value, string path, bool isResponse, List<ShapeViolation> violations)
    {
        if (isResponse || shape.Pattern is not { } pattern)
        {
            return;
        }

        try
        {
            if (!pattern.IsMatch(value))
            {
                violations.Add(new ShapeViolation(path, value, $"Member must satisfy regular expression pattern: {pattern.Text}", ShapeViolationKind.Constraint));
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Not AWS's case (its own matcher has no deadline); refused rather than let through unchecked.
            violations.Add(new ShapeViolation(
                path,
                value,
                $"Member must satisfy regular expression pattern: {pattern.Text} (the twin gave up matching after {(int)ShapePattern.MatchTimeout.TotalMilliseconds} ms)",
                ShapeViolationKind.Constraint));
        }
    }

    /// <summary>
    /// The number of bytes a base64 blob holds, when its shape bounds it and it could be out of bounds; null otherwise,
    /// and when it is not base64 (which its handler reports).
    /// </summary>
    private static int? BoundedBlobLength(Shape shape, JsonElement blob)
    {
        if (shape.Min is null && shape.Max is null)
        {
            return null;
        }

        // The raw JSON text, quotes included: read in place, so that a blob of megabytes is not copied to be measured.
        var raw = JsonMarshal.GetRawUtf8Value(blob)[1..^1];
        // Four base64 characters hold at most three bytes: a blob short enough to be within its max, with no min to reach,
        // is not read at all (Kinesis' Data, 0 to 10 MiB, on every record).
        if ((shape.Min ?? 0) <= 0 && raw.Length / 4 * 3 <= (shape.Max ?? double.MaxValue))
        {
            return null;
        }

        if (raw.Contains((byte)'\\'))
        {
            return Base64.IsValid(blob.GetString(), out var unescaped) ? unescaped : null;
        }

        return Base64.IsValid(raw, out var length) ? length : null;
    }

    private static bool HasType(ShapeMember member, JsonElement value, bool isResponse) => member.Target.Type switch
    {
        "structure" or "map" => value.ValueKind == JsonValueKind.Object,
        "list" => value.ValueKind == JsonValueKind.Array,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" or "long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "double" or "float" => value.ValueKind == JsonValueKind.Number,
        // Epoch seconds, unless the member is formatted as text; a request may carry ISO 8601 text as well, which SDKs accept.
        "timestamp" => value.ValueKind == JsonValueKind.Number
            || (value.ValueKind == JsonValueKind.String && (!isResponse || member.TimestampFormatOrShapes is "iso8601") && Timestamps.TryParse(value.GetString()!, out _)),
        "blob" => value.ValueKind == JsonValueKind.String,
        _ => value.ValueKind == JsonValueKind.String,
    };
}
