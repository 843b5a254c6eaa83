using System.CommandLine;
using System.Globalization;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;
using Paywatch.Core.Telemetry;
using Paywatch.Local;
using Paywatch.Local.Notifications;
using Paywatch.Web;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch up</c>: the local twin. The whole pipeline of the spec runs until Ctrl-C, with its AWS-compatible
/// endpoint on 127.0.0.1, notifications on stderr (and a webhook or email when asked), and a live summary.
/// </summary>
internal static class UpCommand
{
    /// <summary>The environment variables that stand in for <c>--port</c> and <c>--data</c>, as LocalStack's <c>GATEWAY_LISTEN</c> does for its port.</summary>
    public const string PortVariable = "PAYWATCH_PORT";

    public const string DataVariable = "PAYWATCH_DATA";

    public static Command Create(CliConsole console)
    {
        var defaults = new LocalTwinSettings();
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = $"Data folder: stream, checkpoints, DLQ, logs, notifications. Restarting with the same folder resumes. Default: {DataVariable}, else {defaults.DataDirectory}.",
            DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } folder ? folder : defaults.DataDirectory),
        }.AcceptWritableFolder();
        var port = new Option<int>("--port")
        {
            Description = $"Port of the AWS-compatible endpoint on 127.0.0.1 (0: any free port). Default: {PortVariable}, else {defaults.Port}.",
            DefaultValueFactory = r => PortFromEnvironment(r, defaults.Port),
        }.AcceptPort();
        var config = new Option<DirectoryInfo?>("--config") { Description = "config/ folder to run (rules, alarms, dashboard, queries). Default: the one built into paywatch." }.AcceptExistingFolder();
        var demo = new Option<int?>("--demo")
        {
            Description = "Feed generated traffic at this many transactions per second (100 when no number is given).",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = r => r.Tokens.Count == 0 ? 100
                : int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate
                : Invalid(r, "--demo takes a positive number of transactions per second."),
        };
        var webhook = new Option<string?>("--notify-webhook") { Description = "Also POST every notification, in SNS's HTTP shape, to this URL." };
        var email = new Option<string?>("--notify-email") { Description = "Also email every notification to this address (needs --smtp)." };
        var smtp = new Option<string?>("--smtp") { Description = "SMTP server for --notify-email, host[:port] (default port 25)." }.AcceptHostAndPort();
        var traceMode = new Option<string>("--trace-mode")
        {
            Description = "How the function's spans form traces, as PAYWATCH_TRACE_MODE on Lambda: invocation (one per batch; the default), transaction (one per transaction) or off.",
            DefaultValueFactory = _ => defaults.TraceMode.ToWireName(),
        };
        traceMode.Validators.Add(r =>
        {
            try
            {
                TraceModes.Parse(r.GetValueOrDefault<string>());
            }
            catch (ArgumentException)
            {
                r.AddError($"--trace-mode must be invocation, transaction or off, not '{r.GetValueOrDefault<string>()}'.");
            }
        });
        var allowHost = new Option<string[]>("--allow-host")
        {
            Description = "Also answer requests that name this host (e.g. a name in /etc/hosts for 127.0.0.1); repeatable. Only loopback names are served otherwise, against DNS rebinding.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var alertsPerWindow = new Option<int>("--alerts-per-window")
        {
            Description = "Incidents the whole stream notifies one by one in a tumbling window, all kinds and lanes together, paced, as Terraform's alerts_per_window; the rest go in the window summaries (docs/alerting.md).",
            DefaultValueFactory = _ => defaults.AlertsPerWindow,
        }.AcceptRange(0, 10_000);
        var kinesisLimits = new Option<bool>("--kinesis-limits")
        {
            Description = "Refuse PutRecord(s) past a shard's write limits, 1,000 records or 1 MiB a second, with ProvisionedThroughputExceededException as Kinesis does, to test a producer's retries. Off by default: the twin is not capacity-bound, and load tests should measure the pipeline, not a throttle.",
        };
        var logMax = new Option<int>("--log-max-mib")
        {
            Description = "The most the log group keeps on disk, in MiB; the oldest lines go first. Lines older than infra's log_retention_days go too.",
            DefaultValueFactory = _ => (int)(defaults.LogMaxBytes / (1024 * 1024)),
        }.AcceptRange(1);
        var streamMax = new Option<int>("--stream-max-mib")
        {
            Description = "The most the stream keeps on disk, in MiB, shared by its shards; the oldest records go first, once processed (never one the function has not processed). Records older than infra's kinesis_retention_hours go too.",
            DefaultValueFactory = _ => (int)(defaults.StreamMaxBytes / (1024 * 1024)),
        }.AcceptRange(1);
        var command = new Command("up", "Run the local twin: stream, processor, rules, alarms, dashboard and queries on this machine, with AWS-compatible endpoints.")
        {
            data, port, config, demo, webhook, email, smtp, allowHost, logMax, streamMax, traceMode, alertsPerWindow, kinesisLimits,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(email) is not null && r.GetValue(smtp) is null)
            {
                r.AddError("--notify-email needs --smtp host[:port].");
            }

            if (r.GetValue(webhook) is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                r.AddError($"--notify-webhook must be an absolute URL, not '{url}'.");
            }

            foreach (var host in r.GetValue(allowHost) ?? [])
            {
                if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
                {
                    r.AddError($"--allow-host takes a host name or address without scheme or port, not '{host}'.");
                }
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var mode = TraceModes.Parse(result.GetValue(traceMode));
            var settings = defaults with
            {
                DataDirectory = result.GetValue(data)!.FullName,
                Port = result.GetValue(port),
                AllowedHosts = result.GetValue(allowHost) ?? [],
                LogMaxBytes = result.GetValue(logMax) * 1024L * 1024,
                StreamMaxBytes = result.GetValue(streamMax) * 1024L * 1024,
                TraceMode = mode,
                AlertsPerWindow = result.GetValue(alertsPerWindow),
                EnforceKinesisLimits = result.GetValue(kinesisLimits),
            };
            string configDirectory;
            try
            {
                configDirectory = result.GetValue(config)?.FullName ?? BuiltInConfig.ExtractTo(Path.Combine(settings.DataDirectory, "config"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"paywatch up: --data: cannot write under '{settings.DataDirectory}': {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            using var http = new HttpClient();
            using var screen = new LiveScreen(console);
            var subscriptions = new List<ITopicSubscription>
            {
                // A line a notification while they are few, then per-rule counts: every second on a terminal, every ten otherwise.
                new ConsoleSubscription(screen.Above, interval: console.ErrorIsTerminal ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10)),
                new JsonLinesFileSubscription(Path.Combine(settings.DataDirectory, "notifications.jsonl")),
            };
            if (result.GetValue(webhook) is { } hook)
            {
                subscriptions.Add(new HttpSubscription(http, new Uri(hook)));
            }

            if (result.GetValue(email) is { } to && result.GetValue(smtp) is { } server)
            {
                OptionChecks.TryParseHostAndPort(server, 25, out var host, out var smtpPort);
                subscriptions.Add(new EmailSubscription(new SmtpSettings(host, smtpPort, $"paywatch@{Environment.MachineName}", to)));
            }

            LocalTwin twin;
            try
            {
                twin = await LocalTwin.StartAsync(settings, configDirectory, subscriptions, TimeProvider.System, routes: (app, t) => WebUi.Map(app, t, configDirectory)).ConfigureAwait(false);
            }
            catch (Paywatch.Local.Storage.DataFolderException e)
            {
                // The data folder is refused (a newer format, or past rebuilding): the message names the file.
                await console.Error.WriteLineAsync($"paywatch up: cannot start: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }
            catch (UnauthorizedAccessException e)
            {
                await console.Error.WriteLineAsync($"paywatch up: --data: cannot write under '{settings.DataDirectory}': {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }
            catch (IOException e)
            {
                await console.Error.WriteLineAsync($"paywatch up: cannot start: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await using (twin.ConfigureAwait(false))
            {
                var summary = new TwinSummary(twin, screen);
                summary.WriteHeader(configDirectory);
                if (twin.Topic.Recovered is { Redelivered: > 0 } recovered)
                {
                    await screen.Above.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"paywatch up: redelivering {recovered.Redelivered:N0} notifications left undelivered by the last run; {recovered.PossibleDuplicateCount:N0} of the deliveries may be duplicates (under way when it stopped: {string.Join(", ", recovered.PossibleDuplicates.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}"))})")).ConfigureAwait(false);
                }
                foreach (var repair in twin.DataFolderReport.Lines)
                {
                    await screen.Above.WriteLineAsync($"paywatch up: data folder: {repair}").ConfigureAwait(false);
                }

                var demoRun = result.GetValue(demo) is { } rate ? RunDemoAsync(twin, http, rate, cancellationToken) : Task.CompletedTask;
                await summary.RunAsync(cancellationToken).ConfigureAwait(false);
                await demoRun.ConfigureAwait(false);
                await console.Error.WriteLineAsync("paywatch up: stopping (the data folder keeps everything acknowledged; run again to resume)").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Generated traffic through the twin's own Kinesis API, as a producer would send it.</summary>
    private static async Task RunDemoAsync(LocalTwin twin, HttpClient http, int rate, CancellationToken cancellationToken)
    {
        var client = KinesisPutRecordsClient.Create(http, new AwsCredentials("paywatch-demo", "paywatch-demo"), twin.Settings.Region, twin.Settings.StreamName, twin.Api.Url);
        var quiet = new CliConsole(Stream.Null, Stream.Null, TextWriter.Null);
        var sender = new TrafficSender(client, new SendPlan(null, TimeSpan.MaxValue, rate), concurrency: 2, quiet);
        var generator = new Paywatch.Traffic.TrafficGenerator(Environment.TickCount, start: DateTimeOffset.UtcNow);
        try
        {
            await sender.RunAsync(generator.Generate(int.MaxValue).Select(t => new KinesisRecord(t.Utf8Json, t.PartitionKey)), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: the demo stops with the twin.
        }
    }

    private static int PortFromEnvironment(System.CommandLine.Parsing.ArgumentResult result, int fallback)
    {
        var port = OptionChecks.IntegerFromEnvironment(result, PortVariable, fallback);
        if (port > 65_535)
        {
            result.AddError($"{PortVariable} must be a port from 0 to 65535 (0: any free port), not {port}.");
        }

        return port;
    }

    private static int? Invalid(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }
}
