using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Core.Kinesis;
using Paywatch.Patterns;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch rules test</c>: EventBridge's TestEventPattern, offline, one case or a file of them;
/// <c>paywatch rules check</c>: every rule file valid, and the spec's sample transactions routed as the spec says.
/// </summary>
internal static class RulesCommand
{
    // The spec's sample records (README "Testing") and the rules each must match, by the shipped rule names.
    private static readonly (string Json, string[] Expected)[] Samples =
    [
        ("""{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""", []),
        ("""{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""", ["paywatch-high-value"]),
        ("""{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""", ["paywatch-failed"]),
    ];

    public static Command Create(CliConsole console) =>
        new("rules", "Test event patterns and check the routing rules.") { CreateTest(console), CreateCheck(console) };

    private static Command CreateTest(CliConsole console)
    {
        var pattern = new Option<string?>("--pattern") { Description = "The event pattern: a file, or inline JSON." };
        var eventOption = new Option<string?>("--event") { Description = "The event: a file, or inline JSON." };
        var cases = new Option<FileInfo?>("--cases")
        {
            Description = "JSON lines of {\"pattern\": ..., \"event\": ...}; prints true, false or 'error: <reason>' per line.",
        }.AcceptExistingFile();
        var fragment = new Option<bool>("--fragment")
        {
            Description = "Accept any JSON object as --event (e.g. a detail fragment); without it the event needs EventBridge's envelope, as test-event-pattern requires.",
        };
        var command = new Command("test", "Test whether an event matches a pattern, as 'aws events test-event-pattern' does.")
        {
            pattern, eventOption, cases, fragment,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = new StreamWriter(console.Out, leaveOpen: true);
            await using (output.ConfigureAwait(false))
            {
                if (result.GetValue(cases) is { } file)
                {
                    return await TestCasesAsync(file, output, console, cancellationToken).ConfigureAwait(false);
                }

                if (result.GetValue(pattern) is not { } patternArgument || result.GetValue(eventOption) is not { } eventArgument)
                {
                    await console.Error.WriteLineAsync("paywatch rules test: give --pattern and --event, or --cases FILE.").ConfigureAwait(false);
                    return ExitCodes.InvalidInput;
                }

                try
                {
                    var matches = Test(ReadArgument(patternArgument), ReadArgument(eventArgument), requireEnvelope: !result.GetValue(fragment));
                    await output.WriteLineAsync(matches ? "{\"Result\": true}" : "{\"Result\": false}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                catch (Exception e) when (e is InvalidEventPatternException or InvalidEventException or IOException)
                {
                    await console.Error.WriteLineAsync($"paywatch rules test: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.InvalidInput;
                }
            }
        });
        return command;
    }

    private static async Task<int> TestCasesAsync(FileInfo file, StreamWriter output, CliConsole console, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await console.Error.WriteLineAsync($"paywatch rules test: {file}: no such file").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        foreach (var line in await File.ReadAllLinesAsync(file.FullName, cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string verdict;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("pattern", out var p) || !root.TryGetProperty("event", out var e))
                {
                    throw new InvalidDataException("a case is an object with \"pattern\" and \"event\"");
                }

                verdict = Test(Embedded(p), Embedded(e), requireEnvelope: false) ? "true" : "false";
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or InvalidEventPatternException or InvalidEventException)
            {
                verdict = "error: " + e.Message.ReplaceLineEndings(" ");
            }

            await output.WriteLineAsync(verdict).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static bool Test(string pattern, string eventJson, bool requireEnvelope)
    {
        var rules = RuleSet.Compile([KeyValuePair.Create("test", EventPattern.Parse(pattern))]);
        if (requireEnvelope && TestEventEnvelope.Problem(eventJson) is { } problem)
        {
            throw new InvalidEventException($"Parameter Event is not valid. Reason: {problem} (--fragment accepts any JSON object)");
        }

        return rules.CreateMatcher().Match(Encoding.UTF8.GetBytes(eventJson), new List<string>(1)) > 0;
    }

    // A pattern or event given as JSON text inside a string (as the API takes them) or as the JSON itself.
    private static string Embedded(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

    // Inline JSON starts with a bracket; anything else names a file.
    private static string ReadArgument(string argument) =>
        argument.TrimStart() is ['{', ..] or ['[', ..] ? argument : File.ReadAllText(argument);

    private static Command CreateCheck(CliConsole console)
    {
        var directory = new Option<DirectoryInfo>("--rules")
        {
            Description = "The directory of rule files to check.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("config", "rules")),
        }.AcceptExistingFolder();
        var format = new Option<OutputFormat>("--output") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("check", "Validate every rule file, then route the spec's sample transactions through the processor with them.")
        {
            directory, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var rulesDirectory = result.GetValue(directory)!;
            if (!rulesDirectory.Exists)
            {
                await console.Error.WriteLineAsync($"paywatch rules check: {rulesDirectory}: no such directory").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var files = rulesDirectory.GetFiles("*.json").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            var checkedFiles = files.Select(CheckFile).ToList();
            var rules = checkedFiles.Where(f => f.Rule is not null).Select(f => f.Rule!).ToList();
            var samples = checkedFiles.Any(f => f.Error is not null) ? [] : await RouteSamplesAsync(rules, cancellationToken).ConfigureAwait(false);
            var ok = files.Count > 0 && checkedFiles.All(f => f.Error is null) && samples.All(s => s.Ok);

            var output = new StreamWriter(console.Out, leaveOpen: true);
            await using (output.ConfigureAwait(false))
            {
                if (result.GetValue(format) == OutputFormat.Json)
                {
                    await output.WriteLineAsync(CheckJson(checkedFiles, samples, ok)).ConfigureAwait(false);
                }
                else
                {
                    await WriteCheckTableAsync(output, checkedFiles, samples, ok).ConfigureAwait(false);
                }
            }

            return ok ? ExitCodes.Success : checkedFiles.Any(f => f.Error is not null) || files.Count == 0 ? ExitCodes.InvalidInput : ExitCodes.Failure;
        });
        return command;
    }

    private static CheckedFile CheckFile(FileInfo file)
    {
        try
        {
            return new CheckedFile(file.Name, RuleDefinition.Parse(File.ReadAllText(file.FullName)), null);
        }
        catch (Exception e) when (e is InvalidRuleException or IOException)
        {
            return new CheckedFile(file.Name, null, e.Message);
        }
    }

    // The samples go through the real handler, so the check covers the detail the processor writes, not a guess.
    private static async Task<List<SampleResult>> RouteSamplesAsync(List<RuleDefinition> rules, CancellationToken cancellationToken)
    {
        var options = new ProcessorOptions();
        var recorder = new RecordingPolicy(new RuleRoutingPolicy(RuleSet.Compile(rules), options.EventSource, options.DetailType, PublishMode.Matched));
        using var handler = new KinesisBatchHandler(
            options, new InMemoryEventPublisher(), recorder, new RunSummary(null), new StreamLogWriter(Stream.Null), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var kinesisEvent = new KinesisEvent
        {
            Records =
            [
                .. Samples.Select((s, i) => KinesisEventRecord.FromData(
                    Encoding.UTF8.GetBytes(s.Json),
                    (i + 1).ToString("D21", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"test-{i + 1}"),
                    now)),
            ],
        };
        await handler.HandleAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
        return
        [
            .. Samples.Select((s, i) => new SampleResult(
                JsonDocument.Parse(s.Json).RootElement.GetProperty("transaction_id").GetString()!,
                recorder.Matched[i],
                s.Expected)),
        ];
    }

    private static async Task WriteCheckTableAsync(StreamWriter output, List<CheckedFile> files, List<SampleResult> samples, bool ok)
    {
        await output.WriteLineAsync($"{"FILE",-20} {"RULE",-24} {"STATE",-9} RESULT").ConfigureAwait(false);
        foreach (var file in files)
        {
            await output.WriteLineAsync(
                $"{file.Name,-20} {file.Rule?.Name ?? "-",-24} {file.Rule?.State.ToString().ToUpperInvariant() ?? "-",-9} {file.Error ?? "ok"}").ConfigureAwait(false);
        }

        if (samples.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync($"{"SAMPLE",-10} {"MATCHED",-40} {"EXPECTED",-40} RESULT").ConfigureAwait(false);
            foreach (var sample in samples)
            {
                await output.WriteLineAsync(
                    $"{sample.TransactionId,-10} {List(sample.Matched),-40} {List(sample.Expected),-40} {(sample.Ok ? "ok" : "MISMATCH")}").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(ok ? "rules check: ok" : "rules check: FAILED").ConfigureAwait(false);
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(",", names);

    private static string CheckJson(List<CheckedFile> files, List<SampleResult> samples, bool ok)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ok", ok);
            writer.WriteStartArray("rules");
            foreach (var file in files)
            {
                writer.WriteStartObject();
                writer.WriteString("file", file.Name);
                writer.WriteString("name", file.Rule?.Name);
                writer.WriteString("state", file.Rule?.State.ToString().ToUpperInvariant());
                writer.WriteString("error", file.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("samples");
            foreach (var sample in samples)
            {
                writer.WriteStartObject();
                writer.WriteString("transaction_id", sample.TransactionId);
                WriteNames(writer, "matched", sample.Matched);
                WriteNames(writer, "expected", sample.Expected);
                writer.WriteBoolean("ok", sample.Ok);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNames(Utf8JsonWriter writer, string property, IReadOnlyList<string> names)
    {
        writer.WriteStartArray(property);
        foreach (var name in names)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }

    private sealed record CheckedFile(string Name, RuleDefinition? Rule, string? Error);

    private sealed record SampleResult(string TransactionId, IReadOnlyList<string> Matched, IReadOnlyList<string> Expected)
    {
        public bool Ok => Matched.SequenceEqual(Expected);
    }

    /// <summary>Keeps the rules each routed entry matched, in order.</summary>
    private sealed class RecordingPolicy(IRoutingPolicy inner) : IRoutingPolicy
    {
        public List<string[]> Matched { get; } = [];

        public bool Route(ReadOnlySpan<byte> detail, ICollection<string> matchedRules)
        {
            var names = new List<string>();
            var publish = inner.Route(detail, names);
            Matched.Add([.. names]);
            foreach (var name in names)
            {
                matchedRules.Add(name);
            }

            return publish;
        }
    }
}

/// <summary>How a command prints what would otherwise be a table.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
