using System.CommandLine;
using System.Globalization;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch query</c>: a CloudWatch Logs Insights query over JSON log lines from a file or stdin, printed as a
/// table or as JSON lines (one object per row).
/// </summary>
internal static class QueryCommand
{
    public static Command Create(CliConsole console)
    {
        var query = new Argument<string>("query") { Description = "The Logs Insights query, e.g. 'stats count(*) by type'." };
        var logFile = new Option<FileInfo?>("--log-file") { Description = "JSON log lines to query; stdin when not given." };
        var format = new Option<OutputFormat>("--output") { Description = "table or json (JSON lines).", DefaultValueFactory = _ => OutputFormat.Table };
        var start = new Option<string?>("--start") { Description = "Leave out events before this time (ISO 8601, or epoch milliseconds)." };
        var end = new Option<string?>("--end") { Description = "Leave out events at or after this time (ISO 8601, or epoch milliseconds)." };
        var command = new Command("query", "Run a CloudWatch Logs Insights query over JSON log lines.") { query, logFile, format, start, end };
        command.SetAction(async (result, cancellationToken) =>
        {
            LogQuery parsed;
            DateTimeOffset? startTime, endTime;
            try
            {
                parsed = LogQuery.Parse(result.GetValue(query)!);
                startTime = ParseTime(result.GetValue(start), "--start");
                endTime = ParseTime(result.GetValue(end), "--end");
            }
            catch (Exception e) when (e is InvalidQueryException or FormatException)
            {
                await console.Error.WriteLineAsync($"paywatch query: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var file = result.GetValue(logFile);
            if (file is { Exists: false })
            {
                await console.Error.WriteLineAsync($"paywatch query: {file}: no such file").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            // Lines without a time of their own are stamped with the run's start (there is no ingestion time here).
            var run = parsed.Start(new LogQueryOptions { StartTime = startTime, EndTime = endTime, Log = file?.Name });
            QueryResult queryResult;
            try
            {
                var input = file is null ? console.In : file.OpenRead();
                using (var reader = new StreamReader(input, leaveOpen: file is null))
                {
                    while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                    {
                        if (line.Length > 0)
                        {
                            run.Add(line);
                        }
                    }
                }

                queryResult = run.Finish();
            }
            catch (InvalidQueryException e)
            {
                await console.Error.WriteLineAsync($"paywatch query: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            if (result.GetValue(format) == OutputFormat.Json)
            {
                QueryResultWriter.WriteJsonLines(queryResult, console.Out);
                return ExitCodes.Success;
            }

            var output = new StreamWriter(console.Out, leaveOpen: true);
            await using (output.ConfigureAwait(false))
            {
                QueryResultWriter.WriteTable(queryResult, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new FormatException($"{option} '{text}' is not a time (use ISO 8601, e.g. 2026-11-26T08:00:00Z, or epoch milliseconds)");
    }
}
