using Paywatch.Cli;

return await PaywatchCommand.InvokeAsync(args, CliConsole.System()).ConfigureAwait(false);
