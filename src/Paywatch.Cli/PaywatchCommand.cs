using System.CommandLine;
using Paywatch.Cli.Commands;

namespace Paywatch.Cli;

/// <summary>The <c>paywatch</c> command line: one verb per capability.</summary>
internal static class PaywatchCommand
{
    public static async Task<int> InvokeAsync(string[] args, CliConsole console)
    {
        var root = new RootCommand("Paywatch: real-time observability for payment transactions.")
        {
            GenerateCommand.Create(console),
            ProcessCommand.Create(console),
            RulesCommand.Create(console),
            AlarmsCommand.Create(console),
            QueryCommand.Create(console),
            SendCommand.Create(console),
            UpCommand.Create(console),
            CostCommand.Create(console),
            VerifyCommand.Create(console),
        };
        using var output = new StreamWriter(console.Out, leaveOpen: true) { AutoFlush = true };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return await ReportUsageErrorAsync(parsed, console.Error).ConfigureAwait(false);
        }

        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = console.Error,
            // Ctrl-C cancels the command's token; 'up' then needs a moment to finish its batches and checkpoint.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// A usage error: each problem on a line of its own (naming the flag), then the verb's help, all on stderr so that
    /// <c>paywatch generate … &gt; file</c> never writes help into the file; exit code 2 whichever check found it.
    /// </summary>
    private static async Task<int> ReportUsageErrorAsync(ParseResult parsed, TextWriter error)
    {
        var verb = parsed.CommandResult.Command;
        var prefix = verb is RootCommand ? "paywatch" : $"paywatch {verb.Name}";
        foreach (var problem in parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"{prefix}: {problem}").ConfigureAwait(false);
        }

        await error.WriteLineAsync().ConfigureAwait(false);
        var verbs = new List<string>();
        for (var command = parsed.CommandResult; command.Command is not RootCommand; command = (System.CommandLine.Parsing.CommandResult)command.Parent!)
        {
            verbs.Insert(0, command.Command.Name);
        }

        await parsed.RootCommandResult.Command.Parse([.. verbs, "--help"])
            .InvokeAsync(new InvocationConfiguration { Output = error, Error = error }).ConfigureAwait(false);
        return ExitCodes.InvalidInput;
    }
}
