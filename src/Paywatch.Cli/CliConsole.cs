namespace Paywatch.Cli;

/// <summary>The process's standard streams, passed in so that tests run commands in-process.</summary>
internal sealed record CliConsole(Stream In, Stream Out, TextWriter Error)
{
    /// <summary>Whether stderr is a terminal, where progress may redraw a line.</summary>
    public bool ErrorIsTerminal { get; init; }

    public static CliConsole System() =>
        new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error) { ErrorIsTerminal = !Console.IsErrorRedirected };
}
