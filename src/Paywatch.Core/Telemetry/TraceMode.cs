namespace Paywatch.Core.Telemetry;

/// <summary>
/// How the processor's spans are grouped into traces (<c>PAYWATCH_TRACE_MODE</c>; docs/tracing.md has the cost of each).
/// </summary>
public enum TraceMode
{
    /// <summary>
    /// One trace per invocation (the default): Lambda's trace when it sampled the invocation, else one the function
    /// starts; every transaction is a subsegment of it with its Validation, Processing and Routing.
    /// </summary>
    Invocation,

    /// <summary>
    /// One trace per transaction, linked to the invocation's trace: findable by its own annotations, at a trace
    /// (X-Ray's billing unit) per record.
    /// </summary>
    Transaction,

    /// <summary>No spans at all.</summary>
    Off,
}

/// <summary>The wire names of <see cref="TraceMode"/>, as <c>PAYWATCH_TRACE_MODE</c> and Terraform's <c>trace_mode</c> spell them.</summary>
public static class TraceModes
{
    public const string Variable = "PAYWATCH_TRACE_MODE";

    /// <summary>Reads a mode; empty or missing is <see cref="TraceMode.Invocation"/>.</summary>
    /// <exception cref="ArgumentException">Not one of <c>invocation</c>, <c>transaction</c>, <c>off</c>; the message says so.</exception>
    public static TraceMode Parse(string? text) => text switch
    {
        null or "" or "invocation" => TraceMode.Invocation,
        "transaction" => TraceMode.Transaction,
        "off" => TraceMode.Off,
        _ => throw new ArgumentException($"{Variable} must be 'invocation', 'transaction' or 'off', not '{text}'."),
    };

    public static string ToWireName(this TraceMode mode) => mode switch
    {
        TraceMode.Invocation => "invocation",
        TraceMode.Transaction => "transaction",
        TraceMode.Off => "off",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
