namespace Paywatch.Cli;

/// <summary>The process's standard streams, passed in so that tests run commands in-process.</summary>
internal sealed record CliConsole(Stream In, Stream Out, TextWriter Error)
{
    /// <summary>Whether stderr is a terminal, where progress may redraw a line.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Whether stdout is a terminal, where a summary may redraw in place (never into a redirected file).</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>The terminal's width in columns now (it may be resized); read only when <see cref="OutIsTerminal"/>.</summary>
    public Func<int> TerminalWidth { get; init; } = () => 80;

    public static CliConsole System() =>
        new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error)
        {
            ErrorIsTerminal = !Console.IsErrorRedirected,
            OutIsTerminal = !Console.IsOutputRedirected,
            TerminalWidth = WindowWidth,
        };

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
