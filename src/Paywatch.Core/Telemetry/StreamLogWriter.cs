namespace Paywatch.Core.Telemetry;

/// <summary>Log lines to a stream: stdout in Lambda (each line becomes one CloudWatch Logs event), a file or pipe elsewhere.</summary>
public sealed class StreamLogWriter(Stream output) : ILogWriter
{
    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
        output.Write(utf8Lines);
        output.Flush();
    }
}
