namespace Paywatch.Local.Api.Protocols;

/// <summary>A value that breaks its shape: where (AWS's path, <c>metricData.1.member.metricName</c>), the value as text (null when missing), and the constraint in AWS's words.</summary>
internal sealed record ShapeViolation(string Path, string? Value, string Constraint, ShapeViolationKind Kind)
{
    /// <summary>
    /// A blob as AWS's message shows it, the Java buffer that holds it: "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048954
    /// cap=1048954]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"
    /// (Kinesis, https://github.com/awslabs/kinesis-aggregation/issues/30 and https://github.com/a8m/kinesis-producer/pull/18).
    /// </summary>
    public static string ByteBufferValue(int length) => $"java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]";

    /// <summary>AWS's wording: <c>Value 'x' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [...]</c>.</summary>
    public override string ToString() => $"Value {(Value is null ? "null" : $"'{Value}'")} at '{Path}' failed to satisfy constraint: {Constraint}";
}
