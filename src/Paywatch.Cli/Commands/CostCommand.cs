using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Processing;
using Paywatch.Cost;
using Paywatch.Cost.Capacity;
using Paywatch.Cost.Deployment;
using Paywatch.Cost.Footprint;
using Paywatch.Cost.Prices;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch cost</c>: what the deployment costs a month on AWS, line by line, from infra/'s variables, the traffic, a footprint
/// measured by running the real processor over a sample of it, and the Region's price table; with capacity warnings (docs/cost.md).
/// </summary>
internal static class CostCommand
{
    private static readonly DateTimeOffset SampleStart = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static Command Create(CliConsole console)
    {
        var tps = new Option<double>("--tps") { Description = "Transactions a second, steady.", DefaultValueFactory = _ => 1000 };
        var file = new Option<string?>("--file") { Description = "Recorded transactions (JSON lines, as 'generate' writes) to replay at --tps instead of generated traffic." };
        var varFile = new Option<string?>("--var-file") { Description = "A .tfvars file over infra/variables.tf's defaults." };
        var variables = new Option<string[]>("--var") { Description = "NAME=VALUE over the variables, as terraform's -var (e.g. trace_mode=off).", AllowMultipleArgumentsPerToken = false };
        var region = new Option<string?>("--region") { Description = "Price table: " + string.Join(", ", PriceTable.BuiltInRegions) + ". Default: aws_region of the variables, else the local twin's (" + new Paywatch.Local.LocalTwinSettings().Region + ")." };
        var architecture = new Option<string?>("--architecture") { Description = "x86_64 or arm64. Default: infra/lambda.tf's." };
        var config = new Option<string?>("--config") { Description = "A config/ folder to count alarms, dashboards and queries in. Default: the built-in config/." };
        var minutes = new Option<double>("--sample-minutes") { Description = "Simulated stream time the footprint is measured over.", DefaultValueFactory = _ => 10 };
        var maxRecords = new Option<int>("--max-records") { Description = "At most this many records run through the processor; above it only some lanes are simulated and scaled.", DefaultValueFactory = _ => 120_000 };
        var http = new Option<int>("--http-subscriptions") { Description = "HTTP/S subscriptions of the alerts topic besides the email one.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var traffic = new TrafficOptions();
        var command = new Command("cost", "What this stack costs a month on AWS, line by line, from a measured footprint of the traffic; with capacity warnings.")
        {
            tps, file, varFile, variables, region, architecture, config, minutes, maxRecords, http, output,
        };
        traffic.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var deployment = Deployment(result.GetValue(varFile), result.GetValue(variables) ?? [], result.GetValue(config)) with
                {
                    HttpSubscriptions = result.GetValue(http),
                };
                deployment = deployment with
                {
                    Region = result.GetValue(region) ?? deployment.Region,
                    Architecture = result.GetValue(architecture) ?? deployment.Architecture,
                };
                if (deployment.Architecture is not ("x86_64" or "arm64"))
                {
                    throw new ArgumentException($"--architecture must be x86_64 or arm64, not '{deployment.Architecture}'.");
                }

                var rate = result.GetValue(tps);
                if (rate <= 0 || double.IsNaN(rate))
                {
                    throw new ArgumentException("--tps must be more than zero.");
                }

                var table = PriceTable.BuiltIn(deployment.Region);
                var records = result.GetValue(file) is { } path
                    ? RecordedTraffic(path, rate)
                    : GeneratedTraffic(traffic.CreateGenerator(result), rate, TimeSpan.FromMinutes(result.GetValue(minutes)));
                var estimate = await EstimateAsync(deployment, records, result.GetValue(maxRecords), table, new Assumptions()).ConfigureAwait(false);
                var text = result.GetValue(output) == "json"
                    ? CostReportWriter.Json(estimate, rate)
                    : CostReportWriter.Table(estimate, rate, result.GetValue(file) is null ? $"generated, mix {MixText(result.GetValue(traffic.Mix)!)}" : $"replayed from {result.GetValue(file)}");
                await console.Out.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or JsonException)
            {
                await console.Error.WriteLineAsync($"paywatch cost: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }

    internal static async Task<CostEstimate> EstimateAsync(DeploymentSettings deployment, IReadOnlyList<TrafficRecord> records, int maxRecords, PriceTable table, Assumptions assumptions)
    {
        var rules = RuleSet.Compile(RuleDefinition.LoadResources(typeof(CostCommand).Assembly));
        var mapping = new MappingSettings(deployment.Shards, deployment.ParallelizationFactor, deployment.BatchSize,
            deployment.BatchingWindow, deployment.TumblingWindow, SampleStart);
        var processor = new ProcessorOptions { Environment = deployment.Environment, AlertsPerWindow = deployment.AlertsPerWindow };
        processor.Validate();
        var lanes = Math.Clamp((int)Math.Ceiling((double)mapping.Lanes * Math.Max(1, maxRecords) / Math.Max(1, records.Count)), 1, mapping.Lanes);
        var settings = new FootprintSettings(mapping, processor, deployment.TraceMode, lanes);

        // A first short run compiles the processor's code paths, so the measured run times them warm, as a warm Lambda runs them.
        await FootprintMeter.MeasureAsync(settings with { SimulatedLanes = mapping.Lanes }, rules, records.Take(Math.Min(records.Count, 2_000))).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        var footprint = await FootprintMeter.MeasureAsync(settings, rules, records).ConfigureAwait(false);
        stopwatch.Stop();
        var usage = MonthlyUsage.From(footprint, deployment, assumptions);
        return new CostEstimate(deployment, footprint, usage, CostModel.Price(usage, table),
            CapacityWarnings.Check(footprint, deployment, table, assumptions), assumptions, stopwatch.Elapsed);
    }

    private static DeploymentSettings Deployment(string? varFile, string[] variables, string? configFolder)
    {
        var tfvars = new StringBuilder();
        if (varFile is not null)
        {
            tfvars.AppendLine(File.ReadAllText(varFile));
        }

        foreach (var assignment in variables)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--var must be NAME=VALUE, not '{assignment}'.");
            }

            var value = assignment[(equals + 1)..];
            var literal = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || value is "true" or "false"
                ? value
                : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
            tfvars.Append(CultureInfo.InvariantCulture, $"{assignment[..equals].Trim()} = {literal}\n");
        }

        // infra/variables.tf gives aws_region no default: without one, price the Region the twin runs as, so that
        // 'paywatch cost' and 'paywatch up' (its header's "on AWS" line) quote the same table.
        var regionGiven = System.Text.RegularExpressions.Regex.IsMatch(tfvars.ToString(), @"^\s*aws_region\s*=", System.Text.RegularExpressions.RegexOptions.Multiline);
        ConfigCounts counts;
        if (configFolder is not null)
        {
            counts = ConfigCounts.FromFolder(configFolder);
        }
        else
        {
            var folder = Directory.CreateTempSubdirectory("paywatch-cost-").FullName;
            try
            {
                counts = ConfigCounts.FromFolder(BuiltInConfig.ExtractTo(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        var settings = DeploymentSettings.BuiltIn(tfvars.Length == 0 ? null : tfvars.ToString(), counts);
        return regionGiven ? settings : settings with { Region = new Paywatch.Local.LocalTwinSettings().Region };
    }

    private static string MixText(TrafficMix mix) => string.Create(CultureInfo.InvariantCulture,
        $"normal={mix.Normal},high-value={mix.HighValue},invalid={mix.Invalid},fraud={mix.Fraud},velocity={mix.Velocity}");

    /// <summary>Generated records arriving evenly at <paramref name="rate"/> a second over <paramref name="duration"/>.</summary>
    private static List<TrafficRecord> GeneratedTraffic(TrafficGenerator generator, double rate, TimeSpan duration)
    {
        var count = (int)Math.Max(1, Math.Round(rate * duration.TotalSeconds));
        return [.. generator.Generate(count).Select((t, i) => new TrafficRecord(t.Utf8Json, t.PartitionKey, SampleStart.AddSeconds(i / rate)))];
    }

    /// <summary>A file's lines, replayed in order at <paramref name="rate"/>; each keyed by its card_id (the producer's key), else its line.</summary>
    private static List<TrafficRecord> RecordedTraffic(string path, double rate)
    {
        var records = new List<TrafficRecord>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"line-{line}");
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("card_id", out var card) && card.GetString() is { Length: > 0 } id)
                {
                    key = id;
                }
            }
            catch (JsonException)
            {
                // An unreadable record is still traffic: the processor reports it as ERROR.
            }

            records.Add(new TrafficRecord(Encoding.UTF8.GetBytes(text), key, SampleStart.AddSeconds(records.Count / rate)));
        }

        return records.Count > 0 ? records : throw new ArgumentException($"{path} has no records.");
    }
}

/// <summary>An estimate: the deployment, the measured footprint, the month's usage, its cost and the warnings.</summary>
internal sealed record CostEstimate(
    DeploymentSettings Deployment,
    Footprint Footprint,
    Usage Usage,
    CostReport Report,
    IReadOnlyList<CapacityWarning> Warnings,
    Assumptions Assumptions,
    TimeSpan MeasuredIn);
