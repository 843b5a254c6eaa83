using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.Emf;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch process</c>: runs transactions through the very handler Lambda runs, offline, with an in-memory
/// publisher. Prints the processor's log lines (one JSON line per transaction) on stdout, a summary on stderr.
/// </summary>
internal static class ProcessCommand
{
    private const string ShardId = "shardId-000000000000";

    public static Command Create(CliConsole console)
    {
        var input = new Argument<string?>("input")
        {
            Description = "A file of JSON-lines transactions, or '-' for stdin (the default).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var lambdaEvent = new Option<FileInfo?>("--event")
        {
            Description = "Process a Lambda Kinesis event (JSON) instead; its response goes to stderr.",
        }.AcceptExistingFile();
        var generate = new Option<int?>("--generate")
        {
            Description = "Process this many generated transactions instead of reading input (see 'paywatch generate').",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Records per Kinesis event, as the event source mapping's BatchSize (1-10000).",
            DefaultValueFactory = _ => 100,
        };
        batchSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                r.AddError("--batch-size must be between 1 and 10000, as Lambda allows for Kinesis.");
            }
        });
        var metrics = new Option<FileInfo?>("--metrics")
        {
            Description = "Also write the batches' metrics to this file as CloudWatch EMF lines.",
        };
        var environment = new Option<string>("--environment")
        {
            Description = "The Environment metric dimension.",
            DefaultValueFactory = _ => "local",
        };
        var standardCountries = new Option<string[]>("--standard-countries")
        {
            Description = "Countries where merchants are expected (ISO 3166-1 alpha-2, comma-separated).",
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var traffic = new TrafficOptions();
        var routing = new RuleOptions();

        var command = new Command("process", "Run transactions through the processor offline and print one JSON line per transaction.")
        {
            input, lambdaEvent, generate, batchSize, metrics, environment, standardCountries,
        };
        traffic.AddTo(command);
        routing.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            ProcessorOptions options;
            IRoutingPolicy policy;
            try
            {
                var countries = result.GetValue(standardCountries);
                options = new ProcessorOptions
                {
                    Environment = result.GetValue(environment)!,
                    Risk = countries is { Length: > 0 } ? new RiskPolicy { StandardCountries = countries } : new RiskPolicy(),
                };
                options.Validate();
                policy = new RuleRoutingPolicy(
                    RuleSet.Compile(routing.Load(result)), options.EventSource, options.DetailType, result.GetValue(routing.Publish));
            }
            catch (Exception e) when (e is ArgumentException or InvalidRuleException or IOException)
            {
                await console.Error.WriteLineAsync($"paywatch process: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            if (result.GetValue(input) is { } path && path != "-" && !File.Exists(path))
            {
                await console.Error.WriteLineAsync($"paywatch process: {path}: no such file").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            using var metricsFile = result.GetValue(metrics) is { } file ? file.Create() : null;
            var summary = new RunSummary(metricsFile is null ? null : new EmfMetricsWriter(metricsFile));
            var publisher = new InMemoryEventPublisher();
            using var handler = new KinesisBatchHandler(
                options, publisher, policy, summary, new StreamLogWriter(console.Out), TimeProvider.System);
            var stopwatch = Stopwatch.StartNew();
            int exitCode;
            if (result.GetValue(lambdaEvent) is { } eventFile)
            {
                exitCode = await ProcessEventAsync(eventFile, handler, console, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var records = result.GetValue(generate) is { } count
                    ? traffic.CreateGenerator(result).Generate(count).Select(r => (r.Utf8Json, r.PartitionKey))
                    : ReadLines(result.GetValue(input), console);
                await ProcessRecordsAsync(records, result.GetValue(batchSize), handler, publisher, cancellationToken)
                    .ConfigureAwait(false);
                exitCode = ExitCodes.Success;
            }

            await console.Error.WriteLineAsync($"paywatch process: {summary.Describe(stopwatch.Elapsed)}").ConfigureAwait(false);
            return exitCode;
        });
        return command;
    }

    /// <summary>
    /// Feeds records to the handler in batches, as an event source mapping with one tumbling window spanning the
    /// whole run would: each response's state goes into the next event.
    /// </summary>
    private static async Task ProcessRecordsAsync(
        IEnumerable<(byte[] Data, string PartitionKey)> records,
        int batchSize,
        KinesisBatchHandler handler,
        InMemoryEventPublisher publisher,
        CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        var window = new TumblingWindow(start, start.AddHours(1));
        ReadOnlyMemory<byte> state = default;
        long sequence = 0;
        foreach (var chunk in records.Chunk(batchSize))
        {
            var now = DateTimeOffset.UtcNow;
            var kinesisEvent = new KinesisEvent
            {
                Records = [.. chunk.Select(r => KinesisEventRecord.FromData(
                    r.Data, (++sequence).ToString("D21", CultureInfo.InvariantCulture), r.PartitionKey, now))],
                Window = window,
                State = state,
                ShardId = ShardId,
            };
            var response = await handler.HandleAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
            state = response.State ?? default;
            publisher.Clear();
        }
    }

    private static async Task<int> ProcessEventAsync(
        FileInfo eventFile, KinesisBatchHandler handler, CliConsole console, CancellationToken cancellationToken)
    {
        KinesisEvent kinesisEvent;
        try
        {
            kinesisEvent = KinesisEventReader.Read(await File.ReadAllBytesAsync(eventFile.FullName, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidKinesisEventException)
        {
            await console.Error.WriteLineAsync($"paywatch process: {eventFile}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        var response = await handler.HandleAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
        await console.Error.WriteLineAsync(
            $"paywatch process: response {System.Text.Encoding.UTF8.GetString(response.ToUtf8Json().Span)}").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>JSON lines from a file or stdin, byte for byte (invalid UTF-8 must reach the processor as is).</summary>
    private static IEnumerable<(byte[] Data, string PartitionKey)> ReadLines(string? path, CliConsole console)
    {
        using var stream = path is null or "-" ? console.In : File.OpenRead(path);
        var content = new MemoryStream();
        stream.CopyTo(content);
        var bytes = content.GetBuffer().AsMemory(0, (int)content.Length);
        var line = 0;
        while (!bytes.IsEmpty)
        {
            var end = bytes.Span.IndexOf((byte)'\n');
            var current = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? default : bytes[(end + 1)..];
            line++;
            if (current.Span.EndsWith("\r"u8))
            {
                current = current[..^1];
            }

            if (!current.Span.Trim(" \t"u8).IsEmpty)
            {
                // The offline run has no producer-chosen partition key; each line gets its own.
                yield return (current.ToArray(), string.Create(CultureInfo.InvariantCulture, $"line-{line}"));
            }
        }
    }
}
