using Paywatch.Function;
using System.Text.Json;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Telemetry;

namespace Paywatch.Lambda.Tests;

/// <summary>
/// The AOT binary as Lambda runs it: a process against the Runtime API emulator, a PutEvents endpoint that verifies
/// every SigV4 signature (session token included), and a UDP listener in the X-Ray daemon's place.
/// </summary>
[Collection(AotBootstrapGroup.Name)]
public sealed class BootstrapEndToEndTests(AotBootstrap bootstrap)
{
    private const string LambdaTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static readonly AwsCredentials Role = new("ASIAQEXAMPLEROLE0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN");

    [Theory]
    [InlineData("invocation")]
    [InlineData("transaction")]
    [InlineData("off")]
    public async Task The_spec_samples_are_processed_published_signed_measured_and_traced(string traceMode)
    {
        await using var rig = await Rig.StartAsync(bootstrap.Path, traceMode);
        var outcome = await rig.Api.Invoke(KinesisEvents.Build(KinesisEvents.SpecSamples, DateTimeOffset.UtcNow), TimeSpan.FromSeconds(30), LambdaTraceHeader)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(outcome.IsError, rig.Diagnostics());
        Assert.Equal(0, outcome.Json.GetProperty("batchItemFailures").GetArrayLength());

        // PutEvents: only what the rules route, every request signed correctly.
        Assert.Empty(rig.EventBridge.Rejections);
        var published = rig.EventBridge.Events.OrderBy(e => e.Detail, StringComparer.Ordinal).ToList();
        Assert.Equal(["txn-002", "txn-003"], published.Select(e => JsonDocument.Parse(e.Detail).RootElement.GetProperty("transaction_id").GetString()));
        Assert.All(published, e =>
        {
            Assert.Equal("paywatch.transactions", e.Source);
            Assert.Equal("Transaction Processed", e.DetailType);
            Assert.Equal("paywatch-transactions-test", e.EventBusName);
        });

        // EMF on stdout, valid as CloudWatch Logs extracts it, with the cold start.
        var metrics = EmfLines.Ingest(rig.Process.Stdout);
        Assert.Equal(3, EmfLines.Sum(metrics, MetricNames.TransactionsProcessed, ("Environment", "test")));
        Assert.Equal(2, EmfLines.Sum(metrics, MetricNames.EventsPublished, ("Environment", "test")));
        Assert.Equal(1, EmfLines.Sum(metrics, MetricNames.ColdStart, ("Environment", "test")));

        var lines = rig.Process.Stdout.Split('\n').Where(l => l.Contains("\"transaction processed\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        const string LambdaRoot = "1-5759e988-bd862e3fe1be46a994272793";
        switch (traceMode)
        {
            case "invocation":
            {
                // One trace, Lambda's: the batch under Lambda's function segment, the three transactions inside it.
                var batch = Assert.Single(await rig.Daemon.WaitForAsync(1, TimeSpan.FromSeconds(10)));
                Assert.Equal("ProcessBatch", batch.GetProperty("name").GetString());
                Assert.Equal(LambdaRoot, batch.GetProperty("trace_id").GetString());
                Assert.Equal("53995c3f42cd8ad8", batch.GetProperty("parent_id").GetString());
                var transactions = batch.GetProperty("subsegments").EnumerateArray().Where(s => s.GetProperty("name").GetString() == "Transaction").ToList();
                Assert.Equal(3, transactions.Count);
                Assert.All(transactions, t => Assert.Equal(["Validation", "Processing", "Routing"], t.GetProperty("subsegments").EnumerateArray().Select(s => s.GetProperty("name").GetString())));
                Assert.All(lines, l => Assert.Equal(LambdaRoot, l.GetProperty("trace_id").GetString()));
                break;
            }

            case "transaction":
            {
                var documents = await rig.Daemon.WaitForAsync(4, TimeSpan.FromSeconds(10));
                var transactions = documents.Where(d => !d.TryGetProperty("type", out _)).ToList();
                Assert.Equal(3, transactions.Count);
                Assert.Equal(3, transactions.Select(t => t.GetProperty("trace_id").GetString()).Distinct().Count());
                Assert.All(transactions, t =>
                {
                    Assert.Equal("paywatch-processor-test", t.GetProperty("name").GetString());
                    Assert.Equal(LambdaRoot, t.GetProperty("annotations").GetProperty("invocation_trace_id").GetString());
                    Assert.Equal(["Validation", "Processing", "Routing"], t.GetProperty("subsegments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
                });
                var batch = Assert.Single(documents, d => d.TryGetProperty("type", out _) && d.GetProperty("name").GetString() == "ProcessBatch");
                Assert.Equal(LambdaRoot, batch.GetProperty("trace_id").GetString());
                Assert.Equal("53995c3f42cd8ad8", batch.GetProperty("parent_id").GetString());
                Assert.Equal(
                    transactions.Select(t => t.GetProperty("trace_id").GetString()).Order(StringComparer.Ordinal),
                    lines.Select(l => l.GetProperty("trace_id").GetString()).Order(StringComparer.Ordinal));
                break;
            }

            default:
                // Traces are sent before the response is posted: none came.
                Assert.Empty(rig.Daemon.Datagrams);
                Assert.All(lines, l => Assert.False(l.TryGetProperty("trace_id", out _)));
                break;
        }
    }

    [Fact]
    public async Task Throttling_then_success_is_retried_inside_the_invocation()
    {
        await using var rig = await Rig.StartAsync(bootstrap.Path);
        rig.EventBridge.Behavior = call => call.Number <= 2 ? PutEventsTestReply.Error(400, "ThrottlingException") : PutEventsTestReply.AcceptAll;

        var outcome = await rig.Api.Invoke(KinesisEvents.Build(KinesisEvents.SpecSamples, DateTimeOffset.UtcNow), TimeSpan.FromSeconds(30))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, outcome.Json.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(2, rig.EventBridge.Events.Count);
    }

    /// <summary>
    /// A fault that outlasts the invocation: the publisher stops retrying at the deadline margin, and the response
    /// names the records from the lowest unpublished one on, so Lambda redelivers them
    /// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
    /// </summary>
    [Fact]
    public async Task A_persistent_fault_ends_in_batch_item_failures_before_the_deadline()
    {
        await using var rig = await Rig.StartAsync(bootstrap.Path);
        // Warm the process up first, so the deadline measures the invocation, not the start.
        await rig.Api.Invoke(KinesisEvents.Build(KinesisEvents.SpecSamples.Take(1), DateTimeOffset.UtcNow), TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(60));
        rig.EventBridge.Behavior = _ => PutEventsTestReply.Error(500, "InternalException");

        var timeout = TimeSpan.FromSeconds(3);
        var invoked = DateTimeOffset.UtcNow;
        var outcome = await rig.Api.Invoke(KinesisEvents.Build(KinesisEvents.SpecSamples, DateTimeOffset.UtcNow), timeout).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(outcome.IsError);
        Assert.True(outcome.PostedAt < invoked + timeout, $"posted {(outcome.PostedAt - invoked).TotalMilliseconds} ms after the invocation, past its {timeout.TotalMilliseconds} ms");
        var failures = outcome.Json.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString());
        Assert.Equal([KinesisEvents.Sequence(2), KinesisEvents.Sequence(3)], failures);
        Assert.Contains("\"level\":\"WARN\"", rig.Process.Stderr + rig.Process.Stdout, StringComparison.Ordinal);
    }

    private sealed class Rig : IAsyncDisposable
    {
        private Rig(RuntimeApiEmulator api, PutEventsTestEndpoint eventBridge, XRayDaemonListener daemon, BootstrapProcess process)
        {
            Api = api;
            EventBridge = eventBridge;
            Daemon = daemon;
            Process = process;
        }

        public RuntimeApiEmulator Api { get; }

        public PutEventsTestEndpoint EventBridge { get; }

        public XRayDaemonListener Daemon { get; }

        public BootstrapProcess Process { get; }

        public static async Task<Rig> StartAsync(string binary, string traceMode = "invocation")
        {
            var api = await RuntimeApiEmulator.StartAsync();
            var eventBridge = await PutEventsTestEndpoint.StartAsync(Role, "eu-west-1");
            var daemon = new XRayDaemonListener();
            var environment = new Dictionary<string, string?>(eventBridge.Environment().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            {
                ["AWS_LAMBDA_RUNTIME_API"] = api.Endpoint,
                ["AWS_LAMBDA_FUNCTION_NAME"] = "paywatch-processor-test",
                ["PAYWATCH_TRACE_MODE"] = traceMode,
                ["AWS_XRAY_DAEMON_ADDRESS"] = daemon.Address,
                [FunctionSettings.EnvironmentVariable] = "test",
                [FunctionSettings.EventBusVariable] = "paywatch-transactions-test",
            };
            return new Rig(api, eventBridge, daemon, new BootstrapProcess(binary, environment));
        }

        public string Diagnostics() => $"stderr: {Process.Stderr}\nstdout: {Process.Stdout}";

        public async ValueTask DisposeAsync()
        {
            Process.Dispose();
            Daemon.Dispose();
            await EventBridge.DisposeAsync();
            await Api.DisposeAsync();
        }
    }
}
