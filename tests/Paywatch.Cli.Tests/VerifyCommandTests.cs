using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Paywatch.Aws.TestSupport;
using Paywatch.Cli.Commands;
using Paywatch.Cli.Verify;
using Paywatch.Local;
using Paywatch.Local.Notifications;

namespace Paywatch.Cli.Tests;

/// <summary>
/// <c>paywatch verify --endpoint</c> against a whole twin on 127.0.0.1 (as Paywatch.Local.Tests' RunningTwinTests
/// starts one: a fresh folder, port 0, the system clock, since the twin and the command both run in real time), with
/// the built-in config/; and its usage errors.
/// </summary>
public sealed class VerifyCommandTests
{
    private static readonly string[] DeploymentChecks = ["stream", "event-source-mapping", "subscriptions", "routing-rules", "alarms"];

    [Fact]
    public async Task A_running_twin_passes_every_check_and_its_alerts_carry_the_fresh_sample_ids()
    {
        await using var twin = await TwinUnderTest.StartAsync(subscribed: true);

        var result = await CliRunner.RunAsync("", "verify", "--endpoint", twin.Url, "--output", "json");

        var report = JsonDocument.Parse(result.Stdout).RootElement;
        var checks = Checks(report);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal("local", report.GetProperty("environment").GetString());
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Check}: {c.Detail}"));
        var names = checks.Select(c => c.Check).ToList();
        Assert.Equal([.. DeploymentChecks, "samples-sent"], names.Take(6));
        var processed = names.Where(n => n.StartsWith("processed:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, processed.Count);
        Assert.Matches("^processed:verify-[0-9a-f]{12}-001$", processed[0]);
        Assert.Contains("routed:paywatch-high-value", names);
        Assert.Contains("routed:paywatch-failed", names);
        Assert.Contains("delivered", names);
        Assert.Contains("traced", names);
        Assert.Contains("APPROVED, matched paywatch-high-value", checks.Single(c => c.Check.EndsWith("-002", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
        Assert.Contains("FAILED, matched paywatch-failed", checks.Single(c => c.Check.EndsWith("-003", StringComparison.Ordinal)).Detail, StringComparison.Ordinal);
        Assert.Contains("5 open shards", checks[0].Detail, StringComparison.Ordinal);
        // Proof apart from the command's own reading: the subscriber has the two notifications, under this run's ids.
        var runId = processed[0]["processed:".Length..^"-001".Length];
        var notifications = await File.ReadAllTextAsync(twin.NotificationsFile);
        Assert.Contains($"{runId}-002", notifications, StringComparison.Ordinal);
        Assert.Contains($"{runId}-003", notifications, StringComparison.Ordinal);
        Assert.DoesNotContain($"{runId}-001", notifications, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_rule_fails_the_rules_check_naming_it_and_its_sample_is_not_routed()
    {
        await using var twin = await TwinUnderTest.StartAsync(subscribed: true, disabledRule: "failed");

        var result = await CliRunner.RunAsync("", "verify", "--endpoint", twin.Url, "--timeout", "3s");

        Assert.True(result.ExitCode == 1, result.Stdout + result.Stderr);
        var lines = result.Lines;
        Assert.Contains("✗ routing-rules: paywatch-failed is DISABLED; paywatch-failed does not target topic paywatch-alerts-local", lines);
        Assert.Contains(lines, l => l.StartsWith("✓ stream: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ subscriptions: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✗ processed:verify-", StringComparison.Ordinal) && l.Contains("-003: FAILED, but matched no rule, not paywatch-failed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✗ routed:paywatch-failed: AWS/Events Invocations 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ routed:paywatch-high-value: ", StringComparison.Ordinal));
        Assert.Matches(@"^\d+ of \d+ checks failed$", lines[^1]);
    }

    [Fact]
    public async Task A_topic_without_subscription_fails_the_subscriptions_and_delivery_checks()
    {
        await using var twin = await TwinUnderTest.StartAsync(subscribed: false);

        var result = await CliRunner.RunAsync("", "verify", "--endpoint", twin.Url, "--timeout", "3s", "--output", "json");

        Assert.True(result.ExitCode == 1, result.Stdout + result.Stderr);
        var checks = Checks(JsonDocument.Parse(result.Stdout).RootElement);
        var failed = checks.Where(c => !c.Passed).ToList();
        Assert.Equal(["subscriptions", "delivered"], failed.Select(c => c.Check));
        Assert.Equal("topic paywatch-alerts-local has no subscription: alerts reach no one", failed[0].Detail);
        Assert.StartsWith("paywatch-alerts-local: AWS/SNS NumberOfNotificationsDelivered 0, NumberOfNotificationsFailed 0", failed[1].Detail, StringComparison.Ordinal);
        // The rules still routed both alerts to the topic: the break is after it, and the checklist says so.
        Assert.True(checks.Single(c => c.Check == "routed:paywatch-failed").Passed);
    }

    [Fact]
    public async Task Without_a_terraform_output_an_environment_or_an_endpoint_it_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("", "verify", "--region", "eu-west-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("give --terraform-output", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "soon", "--timeout must be a positive number followed by s or m")]
    [InlineData("--timeout", "-5s", "--timeout must be a positive number followed by s or m")]
    [InlineData("--shard-count", "0", "--shard-count must be a whole number of at least 1")]
    [InlineData("--output", "yaml", "--output must be text or json")]
    [InlineData("--endpoint", "127.0.0.1:4566", "--endpoint must be an absolute http(s) URL")]
    public async Task A_bad_option_value_is_a_usage_error_before_any_call(string option, string value, string message)
    {
        var args = option == "--endpoint" ? new[] { "verify", option, value } : ["verify", "--endpoint", "http://127.0.0.1:9", option, value];

        var result = await CliRunner.RunAsync("", args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terraform_output_lacking_names_is_a_usage_error_naming_them()
    {
        var result = await CliRunner.RunAsync("""{"kinesis_stream_name":{"value":"transaction-stream-prod","type":"string","sensitive":false}}""", "verify", "--terraform-output", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("lacks lambda_function_name, log_group_name, event_bus_name, alerts_topic_arn, aws_region", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_terraform_output_gives_every_name_and_the_settings_to_compare()
    {
        // The shape 'terraform output -json' prints (https://developer.hashicorp.com/terraform/cli/commands/output), for infra/outputs.tf.
        var outputs = new JsonObject();
        void Add(string name, JsonNode value) => outputs[name] = new JsonObject { ["value"] = value, ["type"] = "string", ["sensitive"] = false };
        Add("environment", "prod");
        Add("aws_region", "eu-west-1");
        Add("kinesis_stream_name", "transaction-stream-prod");
        Add("kinesis_shard_count", 10);
        Add("lambda_function_name", "transaction-processor-prod");
        Add("log_group_name", "/aws/lambda/transaction-processor-prod");
        Add("event_bus_name", "paywatch-transactions-prod");
        Add("alerts_topic_arn", "arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod");
        Add("routing_rule_names", new JsonArray("paywatch-failed", "paywatch-high-value"));
        Add("alarm_names", new JsonArray("paywatch-error-rate-prod"));
        Add("event_source_mapping", new JsonObject { ["uuid"] = "u", ["batch_size"] = 100, ["parallelization_factor"] = 2, ["maximum_batching_window_in_seconds"] = 1, ["tumbling_window_in_seconds"] = 300 });

        var target = TerraformOutput.Read(JsonSerializer.SerializeToUtf8Bytes(outputs), ["unused"]);

        Assert.Equal(
            new VerifyTarget("prod", "eu-west-1", "transaction-stream-prod", "transaction-processor-prod", "/aws/lambda/transaction-processor-prod",
                "paywatch-transactions-prod", "arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod", 10, target.RuleNames, target.AlarmNames, new MappingSettings(100, 2, 1, 300)),
            target);
        Assert.Equal(["paywatch-failed", "paywatch-high-value"], target.RuleNames);
        Assert.Equal(["paywatch-error-rate-prod"], target.AlarmNames!);
        Assert.Equal("paywatch-alerts-prod", target.TopicName);
    }

    [Fact]
    public async Task On_AWS_shaped_answers_a_pending_subscription_an_alarm_in_ALARM_and_a_disabled_mapping_fail_and_no_sample_is_sent()
    {
        var aws = new AwsDouble();
        await using var server = await LoopbackHttpServer.StartAsync(aws.HandleAsync);
        var outputs = """
            {"environment":{"value":"prod"},"aws_region":{"value":"eu-west-1"},"kinesis_stream_name":{"value":"transaction-stream-prod"},
             "kinesis_shard_count":{"value":5},"lambda_function_name":{"value":"transaction-processor-prod"},
             "log_group_name":{"value":"/aws/lambda/transaction-processor-prod"},"event_bus_name":{"value":"paywatch-transactions-prod"},
             "alerts_topic_arn":{"value":"arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod"},"routing_rule_names":{"value":["paywatch-failed"]}}
            """;

        var result = await CliRunner.RunAsync(outputs, "verify", "--terraform-output", "-", "--endpoint", server.Url.ToString(), "--output", "json");

        Assert.True(result.ExitCode == 1, result.Stdout + result.Stderr);
        var checks = Checks(JsonDocument.Parse(result.Stdout).RootElement).ToDictionary(c => c.Check);
        Assert.True(checks["stream"].Passed, checks["stream"].Detail);
        Assert.True(checks["routing-rules"].Passed, checks["routing-rules"].Detail);
        // Creating twice (waited for), then Disabled: the samples would never be read.
        Assert.Equal(3, aws.MappingCalls);
        Assert.StartsWith("mapping 14e0db71-5d35-4eb5-b481-8945cf9d10c2: it is Disabled, not Enabled: records are not read", checks["event-source-mapping"].Detail, StringComparison.Ordinal);
        Assert.Equal("topic paywatch-alerts-prod: 1 confirmed, 1 still PendingConfirmation (follow the link in the confirmation email)", checks["subscriptions"].Detail);
        // Only this environment's alarms: staging's ALARM is not prod's.
        Assert.Equal("in ALARM: paywatch-error-rate-prod, paywatch-processing-health-prod", checks["alarms"].Detail);
        Assert.False(checks["samples-sent"].Passed);
        Assert.Contains("the event source mapping is not Enabled", checks["samples-sent"].Detail, StringComparison.Ordinal);
        Assert.Equal(0, aws.PutRecordsCalls);
    }

    private static List<CheckResult> Checks(JsonElement report) =>
        [.. report.GetProperty("checks").EnumerateArray().Select(c => new CheckResult(c.GetProperty("check").GetString()!, c.GetProperty("passed").GetBoolean(), c.GetProperty("detail").GetString()!))];

    /// <summary>A twin in a folder of its own with the built-in config/, a rule disabled or the topic left without subscription when asked.</summary>
    private sealed class TwinUnderTest : IAsyncDisposable
    {
        private readonly string _folder;
        private readonly LocalTwin _twin;

        private TwinUnderTest(string folder, LocalTwin twin)
        {
            _folder = folder;
            _twin = twin;
        }

        public string Url => _twin.Api.Url.ToString();

        public string NotificationsFile => Path.Combine(_folder, "notifications.jsonl");

        public static async Task<TwinUnderTest> StartAsync(bool subscribed, string? disabledRule = null)
        {
            var folder = Path.Combine(Path.GetTempPath(), "paywatch-verify-" + Guid.NewGuid().ToString("N"));
            var config = BuiltInConfig.ExtractTo(Path.Combine(folder, "config"));
            if (disabledRule is not null)
            {
                var file = Path.Combine(config, "rules", disabledRule + ".json");
                var rule = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
                rule["State"] = "DISABLED";
                await File.WriteAllTextAsync(file, rule.ToJsonString());
            }

            ITopicSubscription[] subscriptions = subscribed ? [new JsonLinesFileSubscription(Path.Combine(folder, "notifications.jsonl"))] : [];
            var twin = await LocalTwin.StartAsync(
                new LocalTwinSettings { DataDirectory = Path.Combine(folder, "data"), Port = 0 }, config, subscriptions, TimeProvider.System);
            return new TwinUnderTest(folder, twin);
        }

        public async ValueTask DisposeAsync()
        {
            await _twin.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// Kinesis, Lambda, SNS, EventBridge and CloudWatch answering as their API references' examples do, with what the
    /// twin never shows: a mapping still Creating, then Disabled; a subscription PendingConfirmation; alarms in ALARM.
    /// </summary>
    private sealed class AwsDouble
    {
        private int _mappingCalls;
        private int _putRecordsCalls;

        public int MappingCalls => _mappingCalls;

        public int PutRecordsCalls => _putRecordsCalls;

        public async Task HandleAsync(HttpContext context)
        {
            var request = context.Request;
            var target = request.Headers["X-Amz-Target"].ToString();
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var action = body.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Action")?[1];
            string answer;
            if (request.Path == "/2015-03-31/event-source-mappings")
            {
                var state = Interlocked.Increment(ref _mappingCalls) < 3 ? "Creating" : "Disabled";
                answer = $$$"""
                    {"EventSourceMappings":[{"UUID":"14e0db71-5d35-4eb5-b481-8945cf9d10c2","State":"{{{state}}}","StateTransitionReason":"User action",
                     "BatchSize":100,"ParallelizationFactor":2,"TumblingWindowInSeconds":300,"BisectBatchOnFunctionError":true,
                     "FunctionResponseTypes":["ReportBatchItemFailures"],"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:eu-west-1:123456789012:dlq"}},
                     "LastProcessingResult":"No records processed"}]}
                    """;
            }
            else if (target == "Kinesis_20131202.DescribeStreamSummary")
            {
                answer = """{"StreamDescriptionSummary":{"StreamName":"transaction-stream-prod","StreamARN":"arn:aws:kinesis:eu-west-1:123456789012:stream/transaction-stream-prod","StreamStatus":"ACTIVE","OpenShardCount":5}}""";
            }
            else if (target == "Kinesis_20131202.PutRecords")
            {
                Interlocked.Increment(ref _putRecordsCalls);
                answer = """{"FailedRecordCount":0,"Records":[]}""";
            }
            else if (target == "AWSEvents.ListRules")
            {
                answer = """{"Rules":[{"Name":"paywatch-failed","State":"ENABLED","EventBusName":"paywatch-transactions-prod"}]}""";
            }
            else if (target == "AWSEvents.ListTargetsByRule")
            {
                answer = """{"Targets":[{"Id":"alerts","Arn":"arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod"}]}""";
            }
            else if (action == "ListSubscriptionsByTopic")
            {
                answer = """
                    <ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><Subscriptions>
                      <member><TopicArn>arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod</TopicArn><Protocol>email</Protocol><SubscriptionArn>arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod:80289ba6-0fd4-4079-afb4-ce8c8260f0ca</SubscriptionArn><Owner>123456789012</Owner><Endpoint>oncall@example.com</Endpoint></member>
                      <member><TopicArn>arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod</TopicArn><Protocol>email</Protocol><SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>123456789012</Owner><Endpoint>new@example.com</Endpoint></member>
                    </Subscriptions></ListSubscriptionsByTopicResult></ListSubscriptionsByTopicResponse>
                    """;
            }
            else if (action == "DescribeAlarms")
            {
                answer = """
                    <DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>
                      <MetricAlarms>
                        <member><AlarmName>paywatch-error-rate-prod</AlarmName><StateValue>ALARM</StateValue><Dimensions><member><Name>Environment</Name><Value>prod</Value></member></Dimensions></member>
                        <member><AlarmName>paywatch-latency-prod</AlarmName><StateValue>OK</StateValue></member>
                        <member><AlarmName>paywatch-latency-staging</AlarmName><StateValue>ALARM</StateValue></member>
                      </MetricAlarms>
                      <CompositeAlarms><member><AlarmName>paywatch-processing-health-prod</AlarmName><StateValue>ALARM</StateValue></member></CompositeAlarms>
                    </DescribeAlarmsResult></DescribeAlarmsResponse>
                    """;
            }
            else
            {
                context.Response.StatusCode = 400;
                answer = $"unexpected request {request.Method} {request.Path} {target} {action}";
            }

            await context.Response.WriteAsync(answer, Encoding.UTF8);
        }
    }
}
