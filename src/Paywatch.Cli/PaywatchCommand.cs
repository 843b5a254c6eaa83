using System.CommandLine;
using Paywatch.Cli.Commands;

namespace Paywatch.Cli;

/// <summary>The <c>paywatch</c> command line: one verb per capability.</summary>
internal static class PaywatchCommand
{
    public static Task<int> InvokeAsync(string[] args, CliConsole console)
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
        return root.Parse(args).InvokeAsync(new InvocationConfiguration
        {
            Output = new StreamWriter(console.Out, leaveOpen: true) { AutoFlush = true },
            Error = console.Error,
            // Ctrl-C cancels the command's token; 'up' then needs a moment to finish its batches and checkpoint.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        });
    }
}
