using System.CommandLine;
using System.Globalization;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch query</c>: a CloudWatch Logs Insights query over JSON log lines from a file, a folder of them (the twin's
/// log group, one segment file per hour) or stdin, printed as a table or as JSON lines (one object per row).
/// </summary>
internal static class QueryCommand
{
    public static Command Create(CliConsole console)
    {
        var query = new Argument<string>("query") { Description = "The Logs Insights query, e.g. 'stats count(*) by type'." };
        var logFile = new Option<string?>("--log-file")
        {
            Description = "JSON log lines to query: a file, or a folder whose *.jsonl files are read in name order (the twin's .paywatch/logs/aws_lambda_transaction-processor-local); stdin when not given.",
        };
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

            var path = result.GetValue(logFile);
            // A folder: the twin's segments, whose names sort as their times do.
            IReadOnlyList<string>? files = path is null ? null
                : Directory.Exists(path) ? [.. Directory.EnumerateFiles(path, "*.jsonl").Order(StringComparer.Ordinal)]
                : File.Exists(path) ? [path]
                : null;
            if (path is not null && files is null)
            {
                await console.Error.WriteLineAsync($"paywatch query: {path}: no such file or folder").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            // Lines without a time of their own are stamped with the run's start (there is no ingestion time here).
            var run = parsed.Start(new LogQueryOptions { StartTime = startTime, EndTime = endTime, Log = path is null ? null : Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) });
            QueryResult queryResult;
            try
            {
                foreach (var input in files?.Select(f => (Stream)File.OpenRead(f)) ?? [console.In])
                {
                    using var reader = new StreamReader(input, leaveOpen: files is null);
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
