using System.CommandLine;
using System.Globalization;
using System.Text;
using Paywatch.Aws.Signing;
using Paywatch.Cli.Verify;
using Paywatch.Local;

namespace Paywatch.Cli.Commands;

/// <summary>
/// <c>paywatch verify</c>: does this deployment work? Checks a deployed environment (names from <c>terraform output
/// -json</c> or flags, the user's credentials) or the local twin (<c>--endpoint</c>), sends the spec's samples through
/// it and prints a checklist; exit 1 when a check fails, 2 when the command cannot run as given (docs/verify.md).
/// </summary>
internal static class VerifyCommand
{
    private static readonly TimeSpan AwsTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TwinTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(CliConsole console)
    {
        var terraformOutput = new Option<string?>("--terraform-output") { Description = "The output of 'terraform output -json' in infra/: a file, or - for stdin." };
        var endpoint = new Option<string?>("--endpoint") { Description = "One endpoint for every service, e.g. http://127.0.0.1:4566 for the local twin (environment 'local' unless --environment)." };
        var environment = new Option<string?>("--environment") { Description = "The environment suffix (Terraform's environment_suffix); names follow infra/'s naming." };
        var region = new Option<string?>("--region") { Description = "Region. Default: the Terraform output's, AWS_REGION, the profile's; us-east-1 with --endpoint." };
        var profile = new Option<string?>("--profile") { Description = "Profile of the AWS shared credentials file, when the environment has no credentials." };
        var stream = new Option<string?>("--stream") { Description = "The stream's name, instead of the environment's." };
        var function = new Option<string?>("--function") { Description = "The processor function's name." };
        var logGroup = new Option<string?>("--log-group") { Description = "The function's log group." };
        var eventBus = new Option<string?>("--event-bus") { Description = "The custom event bus's name." };
        var topicArn = new Option<string?>("--topic-arn") { Description = "The alerts topic's ARN (needed on AWS without --terraform-output)." };
        var shardCount = new Option<string?>("--shard-count") { Description = "The open shards the stream must have." };
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait for the samples, e.g. 90s, 5m. Default 5m on AWS (its metrics lag 1-3 minutes), 30s with --endpoint." };
        var output = new Option<string>("--output") { Description = "text (a checklist) or json.", DefaultValueFactory = _ => "text" };
        var command = new Command("verify", "Check that a deployment works: stream, event source mapping, subscriptions, rules and alarms, then the spec's three samples processed, routed, delivered and traced.")
        {
            terraformOutput, endpoint, environment, region, profile, stream, function, logGroup, eventBus, topicArn, shardCount, timeout, output,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            async Task<int> UsageAsync(string message)
            {
                await console.Error.WriteLineAsync($"paywatch verify: {message}").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var format = result.GetValue(output);
            if (format is not ("text" or "json"))
            {
                return await UsageAsync($"--output must be text or json, not '{format}'.").ConfigureAwait(false);
            }

            Uri? target = null;
            if (result.GetValue(endpoint) is { } endpointText
                && !(Uri.TryCreate(endpointText, UriKind.Absolute, out target) && target.Scheme is "http" or "https"))
            {
                return await UsageAsync($"--endpoint must be an absolute http(s) URL, not '{endpointText}'.").ConfigureAwait(false);
            }

            var wait = target is null ? AwsTimeout : TwinTimeout;
            if (result.GetValue(timeout) is { } timeoutText)
            {
                if (ParseTimeout(timeoutText) is not { } parsed)
                {
                    return await UsageAsync($"--timeout must be a positive number followed by s or m (e.g. 90s, 5m), not '{timeoutText}'.").ConfigureAwait(false);
                }

                wait = parsed;
            }

            int? shards = null;
            if (result.GetValue(shardCount) is { } shardText)
            {
                if (!int.TryParse(shardText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                {
                    return await UsageAsync($"--shard-count must be a whole number of at least 1, not '{shardText}'.").ConfigureAwait(false);
                }

                shards = count;
            }

            var shared = AwsSharedConfig.Load(result.GetValue(profile));
            VerifyTarget deployment;
            try
            {
                deployment = await TargetAsync(result.GetValue(terraformOutput), console, cancellationToken).ConfigureAwait(false)
                    ?? Named(result.GetValue(environment) ?? (target is null ? null : "local"), result.GetValue(region) ?? RegionOf(shared) ?? (target is null ? null : "us-east-1"), target, result.GetValue(topicArn));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return await UsageAsync(e.Message).ConfigureAwait(false);
            }

            deployment = deployment with
            {
                Environment = result.GetValue(environment) ?? deployment.Environment,
                Region = result.GetValue(region) ?? deployment.Region,
                StreamName = result.GetValue(stream) ?? deployment.StreamName,
                FunctionName = result.GetValue(function) ?? deployment.FunctionName,
                LogGroupName = result.GetValue(logGroup) ?? deployment.LogGroupName,
                EventBusName = result.GetValue(eventBus) ?? deployment.EventBusName,
                TopicArn = result.GetValue(topicArn) ?? deployment.TopicArn,
                ShardCount = shards ?? deployment.ShardCount,
            };
            var credentials = Credentials(shared, target);
            if (credentials is null)
            {
                return await UsageAsync("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile (the local twin needs none).").ConfigureAwait(false);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            AwsApis apis;
            try
            {
                apis = AwsApis.Create(http, credentials, deployment.Region, target, TimeProvider.System);
            }
            catch (InvalidOperationException e)
            {
                return await UsageAsync(e.Message).ConfigureAwait(false);
            }

            var pollInterval = target is null ? TimeSpan.FromSeconds(10) : TimeSpan.FromMilliseconds(250);
            var checks = await new Verifier(apis, deployment, TimeProvider.System, wait, pollInterval).RunAsync(cancellationToken).ConfigureAwait(false);
            var report = format == "json" ? VerifyReport.Json(deployment, checks) : Encoding.UTF8.GetBytes(VerifyReport.Text(deployment, checks));
            await console.Out.WriteAsync(report, cancellationToken).ConfigureAwait(false);
            return checks.All(c => c.Passed) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The deployment the Terraform output names, or null when none was given.</summary>
    private static async Task<VerifyTarget?> TargetAsync(string? path, CliConsole console, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return null;
        }

        byte[] json;
        if (path == "-")
        {
            using var buffer = new MemoryStream();
            await console.In.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            json = buffer.ToArray();
        }
        else
        {
            json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }

        return TerraformOutput.Read(json, [.. RuleOptions.BuiltIn().Select(r => r.Name)]);
    }

    /// <summary>The names infra/main.tf gives an environment (the twin's are the same with environment <c>local</c>).</summary>
    /// <exception cref="FormatException">Not enough was given to name the deployment.</exception>
    private static VerifyTarget Named(string? environment, string? region, Uri? endpoint, string? topicArn)
    {
        if (environment is null)
        {
            throw new FormatException("give --terraform-output (terraform output -json > outputs.json), --environment, or --endpoint for the local twin.");
        }

        if (region is null)
        {
            throw new FormatException("the region is not set: give --region, or set AWS_REGION.");
        }

        if (endpoint is null && topicArn is null)
        {
            throw new FormatException("give --topic-arn (terraform output -raw alerts_topic_arn), or --terraform-output.");
        }

        var names = new LocalTwinSettings { Environment = environment, Region = region };
        return new VerifyTarget(
            environment, region, names.StreamName, names.FunctionName, names.LogGroupName, names.EventBusName, topicArn ?? names.TopicArn,
            null, [.. RuleOptions.BuiltIn().Select(r => r.Name)], null, null);
    }

    private static string? RegionOf(AwsSharedConfig shared) =>
        System.Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region
        : System.Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback
        : shared.Region;

    /// <summary>The environment's keys, else the profile's; the twin checks no signature, so a loopback endpoint needs none.</summary>
    private static AwsCredentials? Credentials(AwsSharedConfig shared, Uri? endpoint) =>
        !string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")) ? AwsCredentials.FromEnvironment()
        : shared.Credentials ?? (endpoint is { IsLoopback: true } ? new AwsCredentials("paywatch-verify", "paywatch-verify") : null);

    private static TimeSpan? ParseTimeout(string text)
    {
        var seconds = text.EndsWith('s') ? 1 : text.EndsWith('m') ? 60 : 0;
        return seconds > 0 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * seconds)
            : null;
    }
}
