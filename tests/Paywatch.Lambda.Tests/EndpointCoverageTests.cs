using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Aws.Emf;
using Paywatch.Aws.Runtime;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Patterns;

namespace Paywatch.Lambda.Tests;

/// <summary>
/// In a VPC without a route out (infra/network.tf), the function reaches AWS only through the interface endpoints the
/// stack creates: every service it calls at run time must have one. The Lambda host's adapters are built as
/// Program.cs builds them, every AWS endpoint they resolve pointed at one recorder (<c>AWS_ENDPOINT_URL</c>, the SDKs'
/// catch-all, https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), which notes the service each
/// request is signed for (the SigV4 credential scope); segments sent to the X-Ray daemon are X-Ray's, since the daemon
/// relays them to X-Ray's PutTraceSegments (https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon.html) from the
/// function's network.
/// </summary>
public sealed class EndpointCoverageTests
{
    private const string LambdaTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Every_service_the_Lambda_host_calls_at_run_time_has_an_interface_endpoint_and_no_endpoint_is_idle()
    {
        var called = await ServicesCalledAsync();

        // Checked against AWS's names, not the code's: EventBridge signs as "events", X-Ray as "xray" (the endpoint
        // services com.amazonaws.REGION.events and .xray, https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html).
        Assert.Equal(["events", "xray"], called);
        Assert.Equal(called, TerraformEndpointServices());
    }

    [Fact]
    public void The_Lambda_host_uses_no_AWS_adapter_whose_service_this_test_does_not_know()
    {
        // A new client in the host (Kinesis, CloudWatch, STS, ...) must be added to the test above and to network.tf:
        // this fails first, naming it. Emf writes to stdout, Runtime talks to the local Runtime API, Otlp to a collector
        // the user configures (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set); the rest is the plumbing of those.
        var known = new HashSet<string>(StringComparer.Ordinal) { "EventBridge", "XRay", "Emf", "Runtime", "Otlp", "Endpoints", "Signing", "Json11" };
        var host = Path.Combine(Repository.Root, "src", "Paywatch.Lambda");
        var sources = Directory.GetFiles(host, "*.cs").Select(File.ReadAllText).ToList();
        Assert.NotEmpty(sources);
        var used = sources.SelectMany(s => Regex.Matches(s, @"\bPaywatch\.Aws\.(\w+)").Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("EventBridge", used);
        Assert.Empty(used.Except(known));
        Assert.DoesNotContain(sources, s => s.Contains("new SigV4Signer(", StringComparison.Ordinal) || s.Contains("AwsEndpointResolver.Resolve(", StringComparison.Ordinal));
    }

    [Fact]
    public void The_terraform_list_is_read_as_written()
    {
        var services = TerraformEndpointServices("  vpc_endpoint_services = [\"events\", \"xray\", \"kinesis\"]\n");
        Assert.Equal(["events", "kinesis", "xray"], services);
        Assert.Throws<InvalidOperationException>(() => TerraformEndpointServices("locals {}\n"));
    }

    /// <summary>The services the host signs requests for, and "xray" when it sent the daemon anything, over one invocation of the spec's samples.</summary>
    private static async Task<IReadOnlyList<string>> ServicesCalledAsync()
    {
        var signedFor = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var recorder = await LoopbackHttpServer.StartAsync(context => RecordAsync(context, signedFor));
        using var daemon = new XRayDaemonListener();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAQEXAMPLEROLE0001",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ["AWS_SESSION_TOKEN"] = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL"] = recorder.Url.ToString(),
            ["AWS_XRAY_DAEMON_ADDRESS"] = daemon.Address,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "transaction-processor-test",
            [FunctionSettings.EnvironmentVariable] = "test",
            [FunctionSettings.EventBusVariable] = "paywatch-transactions-test",
        };
        string? Variable(string name) => environment.GetValueOrDefault(name);

        // As Program.cs composes the function.
        var settings = FunctionSettings.FromEnvironment(Variable);
        using var tracing = LambdaServices.CreateTracing(settings, Variable);
        using var stdout = new MemoryStream();
        using (var function = new TransactionFunction(
            settings,
            RuleSet.Compile(RuleDefinition.LoadResources(typeof(LambdaServices).Assembly)),
            LambdaServices.CreatePublisher(Variable),
            new EmfMetricsWriter(stdout),
            new StreamLogWriter(stdout),
            tracing,
            new FakeTimeProvider(Now),
            TimeSpan.FromMilliseconds(10)))
        {
            var invocation = new LambdaInvocation("req", Now.AddMinutes(1), null, LambdaTraceHeader, KinesisEvents.Build(KinesisEvents.SpecSamples, Now));
            using var response = JsonDocument.Parse(await function.InvokeAsync(invocation, CancellationToken.None));
            Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }

        var traced = await daemon.WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.NotEmpty(traced);
        return [.. signedFor.Keys.Append("xray").Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Notes the credential scope's service; accepts a PutEvents whole, refuses anything else.</summary>
    private static async Task RecordAsync(HttpContext context, ConcurrentDictionary<string, int> signedFor)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var scope = Regex.Match(authorization, @"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request");
        signedFor.AddOrUpdate(scope.Success ? scope.Groups[1].Value : "(unsigned)", 1, (_, n) => n + 1);
        context.Response.ContentType = "application/x-amz-json-1.1";
        if (context.Request.Headers["X-Amz-Target"] != "AWSEvents.PutEvents")
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("{\"__type\":\"UnknownOperationException\"}");
            return;
        }

        using var request = await JsonDocument.ParseAsync(context.Request.Body);
        var entries = request.RootElement.GetProperty("Entries").GetArrayLength();
        var results = string.Join(',', Enumerable.Range(0, entries).Select(i => $"{{\"EventId\":\"event-{i}\"}}"));
        await context.Response.WriteAsync($"{{\"FailedEntryCount\":0,\"Entries\":[{results}]}}");
    }

    /// <summary>network.tf's <c>vpc_endpoint_services</c>, sorted.</summary>
    private static IReadOnlyList<string> TerraformEndpointServices(string? networkTf = null)
    {
        networkTf ??= File.ReadAllText(Path.Combine(Repository.Root, "infra", "network.tf"));
        var list = Regex.Match(networkTf, @"^\s*vpc_endpoint_services\s*=\s*\[([^\]]*)\]", RegexOptions.Multiline);
        return list.Success
            ? [.. Regex.Matches(list.Groups[1].Value, "\"([^\"]+)\"").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)]
            : throw new InvalidOperationException("infra/network.tf has no vpc_endpoint_services list.");
    }
}
