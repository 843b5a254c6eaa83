using System.CommandLine;
using System.Text;
using System.Text.Json;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch alarms replay</c>: backtests an alarm definition (PutMetricAlarm shape) against exported metric
/// data, printing one JSON line per evaluation.
/// </summary>
internal static class AlarmsCommand
{
    public static Command Create(CliConsole console) => new("alarms", "Work with CloudWatch alarm definitions offline.") { CreateReplay(console) };

    private static Command CreateReplay(CliConsole console)
    {
        var alarmFile = new Option<FileInfo>("--alarm") { Description = "The alarm: PutMetricAlarm JSON (config/alarms/*.json).", Required = true }.AcceptExistingFile();
        var dataFile = new Option<FileInfo>("--data")
        {
            Description = "The data: CSV 'timestamp,value' (one value per period; empty = no datapoint), or EMF JSON lines.",
            Required = true,
        }.AcceptExistingFile();
        var initialState = new Option<string>("--initial-state")
        {
            Description = "The alarm's state before the first evaluation: OK, ALARM or INSUFFICIENT_DATA (a new alarm's).",
            DefaultValueFactory = _ => "INSUFFICIENT_DATA",
        };
        var variables = new Option<string[]>("--var")
        {
            Description = "A value for a ${placeholder} of the alarm file, as name=value (repeatable), as Terraform's templatefile fills it.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("replay", "Evaluate an alarm period by period over recorded data, as CloudWatch would have.")
        {
            alarmFile, dataFile, initialState, variables,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                if (!AlarmStateNames.TryParse(result.GetValue(initialState)!, out var initial))
                {
                    throw new FormatException("--initial-state must be OK, ALARM or INSUFFICIENT_DATA.");
                }

                var values = (result.GetValue(variables) ?? []).Select(v => v.Split('=', 2)).ToDictionary(
                    p => p[0], p => p.Length == 2 ? p[1] : throw new FormatException($"--var '{p[0]}' must be name=value."), StringComparer.Ordinal);
                var text = await File.ReadAllTextAsync(result.GetValue(alarmFile)!.FullName, cancellationToken).ConfigureAwait(false);
                var definition = MetricAlarmDefinition.Parse(ConfigTemplate.Fill(text, values));
                var (first, periods) = await ReadDataAsync(result.GetValue(dataFile)!, definition, cancellationToken).ConfigureAwait(false);

                var output = new StreamWriter(console.Out, leaveOpen: true);
                await using (output.ConfigureAwait(false))
                {
                    foreach (var step in AlarmReplay.Run(definition, periods, first, initial))
                    {
                        await output.WriteLineAsync(Line(step)).ConfigureAwait(false);
                    }
                }

                return ExitCodes.Success;
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidAlarmDefinitionException or KeyNotFoundException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"paywatch alarms replay: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }

    private static async Task<(DateTimeOffset First, IReadOnlyList<AlarmDatapoint?> Periods)> ReadDataAsync(
        FileInfo file, MetricAlarmDefinition definition, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        if (!text.TrimStart().StartsWith('{'))
        {
            return AlarmReplay.ReadCsv(new StringReader(text), definition.Period);
        }

        // EMF documents: extracted as CloudWatch Logs would, then the alarm's statistic per period.
        var store = new MetricStore(TimeSpan.FromDays(15), maxSeries: 100_000);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line) && EmfIngestor.Ingest(Encoding.UTF8.GetBytes(line), store).Error is { } error)
            {
                throw new FormatException($"line {number}: not EMF: {error}");
            }
        }

        var metrics = definition.Metric is { } single ? [single] : definition.Metrics.Select(q => q.Metric).OfType<MetricKey>().ToList();
        var ranges = metrics.Select(store.TimeRange).OfType<(DateTimeOffset Oldest, DateTimeOffset Newest)>().ToList();
        if (ranges.Count == 0)
        {
            throw new FormatException($"the data holds no datapoint for {string.Join(", ", metrics)}.");
        }

        var (oldest, newest) = (ranges.Min(r => r.Oldest), ranges.Max(r => r.Newest));
        var period = TimeSpan.FromSeconds(definition.Period);
        var first = DateTimeOffset.FromUnixTimeSeconds(oldest.ToUnixTimeSeconds() - (oldest.ToUnixTimeSeconds() % definition.Period));
        return (first, AlarmData.Read(store, definition, first, newest + period));
    }

    private static string Line(AlarmReplayStep step)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", step.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("state", step.State.ToApiName());
            writer.WriteString("reason", step.Reason);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
