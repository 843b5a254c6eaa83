namespace Paywatch.Cli;

/// <summary>The process's standard streams, passed in so that tests run commands in-process.</summary>
internal sealed record CliConsole(Stream In, Stream Out, TextWriter Error)
{
    public static CliConsole System() =>
        new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
}
