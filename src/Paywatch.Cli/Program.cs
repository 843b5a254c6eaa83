using System.CommandLine;
using Paywatch.Cli;
using Paywatch.Cli.Commands;

return await PaywatchCommand.InvokeAsync(args, CliConsole.System()).ConfigureAwait(false);
