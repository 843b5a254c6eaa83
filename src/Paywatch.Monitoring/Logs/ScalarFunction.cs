namespace Paywatch.Monitoring.Logs;

/// <summary>A function usable in any expression: its name, how many arguments it takes, and what it computes.</summary>
internal sealed class ScalarFunction(string name, int minArguments, int maxArguments, ScalarFunction.Body body)
{
    public delegate LogValue Body(ReadOnlySpan<LogValue> arguments);

    public string Name { get; } = name;

    public int MinArguments { get; } = minArguments;

    public int MaxArguments { get; } = maxArguments;

    public LogValue Invoke(ReadOnlySpan<LogValue> arguments) => body(arguments);
}
