namespace Paywatch.Core.Telemetry;

/// <summary>
/// The port structured logs leave the processor by: newline-terminated JSON lines, one per transaction outcome,
/// handed over in chunks of whole lines once the batch's outcome is known (stdout in Lambda, the log store in the
/// local twin).
/// </summary>
public interface ILogWriter
{
    void Write(ReadOnlySpan<byte> utf8Lines);
}
