using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Kinesis;
using Paywatch.Aws.Signing;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch send</c>: generated transactions to any Kinesis endpoint with PutRecords, at a steady rate: the local
/// twin, or a real stream with SigV4 credentials from the environment or a profile.
/// </summary>
internal static class SendCommand
{
    /// <summary>The twin's stream (infra's naming with environment <c>local</c>).</summary>
    public const string DefaultStream = "transaction-stream-local";

    public static Command Create(CliConsole console)
    {
        var endpoint = new Option<Uri?>("--endpoint")
        {
            Description = "Kinesis endpoint URL, e.g. http://127.0.0.1:4600 for the local twin. Default: AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, else Kinesis in the region.",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                r.AddError($"--endpoint must be an absolute http(s) URL, not '{text}'.");
                return null;
            },
        };
        var stream = new Option<string>("--stream") { Description = "Stream name.", DefaultValueFactory = _ => DefaultStream };
        var region = new Option<string?>("--region") { Description = "Region to sign for. Default: AWS_REGION, the profile's, else us-east-1." };
        var profile = new Option<string?>("--profile") { Description = "Profile of the AWS shared credentials file, when the environment has no credentials." };
        var rate = new Option<int>("--rate") { Description = "Records per second; 0 sends as fast as the endpoint acknowledges.", DefaultValueFactory = _ => 1000 };
        var count = new Option<int?>("--count", "-n") { Description = "How many records to send (default 1000 unless --duration is given)." };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "How long to send, e.g. 30s, 5m, 1h.",
            CustomParser = r => ParseDuration(r),
        };
        var concurrency = new Option<int>("--concurrency") { Description = "PutRecords calls in flight at once.", DefaultValueFactory = _ => 4 };
        var output = new Option<string>("--output") { Description = "text or json (the final report).", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        foreach (var option in new[] { rate, concurrency })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < (option == concurrency ? 1 : 0))
                {
                    r.AddError($"{option.Name} must be {(option == concurrency ? "at least 1" : "zero or more")}.");
                }
            });
        }

        var traffic = new TrafficOptions();
        var command = new Command("send", "Send generated transactions to a Kinesis stream with PutRecords (the local twin or AWS), with a progress bar and a final report.")
        {
            endpoint, stream, region, profile, rate, count, duration, concurrency, output,
        };
        traffic.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(count) is not null && r.GetValue(duration) is not null)
            {
                r.AddError("Give --count or --duration, not both.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var shared = AwsSharedConfig.Load(result.GetValue(profile));
            var signingRegion = result.GetValue(region)
                ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                ?? shared.Region ?? "us-east-1";
            var target = result.GetValue(endpoint);
            var credentials = Credentials(shared, target);
            if (credentials is null)
            {
                await console.Error.WriteLineAsync("paywatch send: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile (the local twin needs none).").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            KinesisPutRecordsClient client;
            try
            {
                client = KinesisPutRecordsClient.Create(http, credentials, signingRegion, result.GetValue(stream)!, target);
            }
            catch (InvalidOperationException e)
            {
                await console.Error.WriteLineAsync($"paywatch send: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var generator = traffic.CreateGenerator(result);
            var plan = new SendPlan(result.GetValue(duration) is null ? result.GetValue(count) ?? 1000 : null, result.GetValue(duration), result.GetValue(rate));
            var sender = new TrafficSender(client, plan, result.GetValue(concurrency), console);
            SendReport report;
            try
            {
                report = await sender.RunAsync(generator.Generate(int.MaxValue).Select(t => new KinesisRecord(t.Utf8Json, t.PartitionKey)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AwsRequestException or HttpRequestException)
            {
                await console.Error.WriteLineAsync($"paywatch send: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            if (result.GetValue(output) == "json")
            {
                await console.Out.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(report, SendReportJson.Default.SendReport), cancellationToken).ConfigureAwait(false);
                console.Out.WriteByte((byte)'\n');
            }
            else
            {
                await console.Error.WriteLineAsync(report.Describe()).ConfigureAwait(false);
            }

            return report.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The environment's keys, else the profile's; for a loopback endpoint (the twin checks no signature), placeholder keys.</summary>
    private static AwsCredentials? Credentials(AwsSharedConfig shared, Uri? endpoint)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
        {
            return AwsCredentials.FromEnvironment();
        }

        return shared.Credentials ?? (endpoint is { IsLoopback: true } ? new AwsCredentials("paywatch-local", "paywatch-local") : null);
    }

    private static TimeSpan? ParseDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (double.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            && unit is 's' or 'm' or 'h')
        {
            return unit switch { 's' => TimeSpan.FromSeconds(value), 'm' => TimeSpan.FromMinutes(value), _ => TimeSpan.FromHours(value) };
        }

        result.AddError($"--duration must be a number followed by s, m or h (e.g. 30s), not '{text}'.");
        return null;
    }
}
