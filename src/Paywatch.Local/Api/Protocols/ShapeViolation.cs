namespace Paywatch.Local.Api.Protocols;

/// <summary>A value that breaks its shape: where (AWS's path, <c>metricData.1.member.metricName</c>), the value as text (null when missing), and the constraint in AWS's words.</summary>
internal sealed record ShapeViolation(string Path, string? Value, string Constraint, ShapeViolationKind Kind)
{
    /// <summary>AWS's wording: <c>Value 'x' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [...]</c>.</summary>
    public override string ToString() => $"Value {(Value is null ? "null" : $"'{Value}'")} at '{Path}' failed to satisfy constraint: {Constraint}";
}
