namespace Paywatch.Aws.XRay;

/// <summary>
/// The X-Ray trace header of an invocation: <c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>.
/// The Lambda Runtime API passes it per invocation in <c>Lambda-Runtime-Trace-Id</c>; runtimes expose it as
/// <c>_X_AMZN_TRACE_ID</c> (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
/// <see cref="ParentId"/> is the id of Lambda's function segment, under which the invocation's subsegments belong.
/// </summary>
/// <param name="Sampled">1, 0, or null when the header defers the decision (<c>Sampled=?</c>) or leaves it out.</param>
public sealed record XRayTraceContext(string TraceId, string? ParentId, bool? Sampled)
{
    /// <summary>Reads the header; null when it has no valid <c>Root</c>. Unknown fields (<c>Lineage</c>, <c>Self</c>) are ignored.</summary>
    public static XRayTraceContext? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        string? root = null, parent = null;
        bool? sampled = null;
        foreach (var field in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = field[(equals + 1)..].Trim();
            switch (field[..equals].Trim())
            {
                case "Root":
                    root = value;
                    break;
                case "Parent":
                    parent = XRayIds.IsSegmentId(value) ? value : null;
                    break;
                case "Sampled":
                    sampled = value switch { "1" => true, "0" => false, _ => null };
                    break;
            }
        }

        return root is not null && XRayIds.IsTraceId(root) ? new XRayTraceContext(root, parent, sampled) : null;
    }

    /// <summary>
    /// The parent an invocation's spans join: Lambda's trace and function segment when Lambda sampled the invocation;
    /// otherwise default (the processor starts a trace of its own), since subsegments added to an unsampled trace are
    /// never recorded ("Visualize Lambda function invocations using AWS X-Ray", Lambda Developer Guide).
    /// </summary>
    public System.Diagnostics.ActivityContext ToParentContext() =>
        Sampled == true && ParentId is not null && Paywatch.Core.Telemetry.TraceIds.TryParseXRay(TraceId, out var traceId)
            ? new System.Diagnostics.ActivityContext(traceId, System.Diagnostics.ActivitySpanId.CreateFromString(ParentId),
                System.Diagnostics.ActivityTraceFlags.Recorded, isRemote: true)
            : default;

    /// <summary>The context in <c>_X_AMZN_TRACE_ID</c>, if any.</summary>
    public static XRayTraceContext? FromEnvironment(Func<string, string?>? environment = null) =>
        Parse((environment ?? Environment.GetEnvironmentVariable)("_X_AMZN_TRACE_ID"));
}
