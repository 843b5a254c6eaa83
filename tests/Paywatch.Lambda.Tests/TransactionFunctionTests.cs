using Paywatch.Aws.TestSupport;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Aws.Emf;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Patterns;

namespace Paywatch.Lambda.Tests;

/// <summary>The function in-process: the spec's samples, the response shape, the cold-start metric.</summary>
public sealed class TransactionFunctionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_spec_samples_give_no_batch_item_failures_and_publish_only_txn_002_and_txn_003()
    {
        using var rig = new Rig();
        var response = await rig.InvokeAsync(KinesisEvents.Build(KinesisEvents.SpecSamples, Now.AddSeconds(-1)));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, response.GetProperty("state").ValueKind);
        var published = rig.Publisher.Published.Select(e => JsonDocument.Parse(e.Detail).RootElement.GetProperty("transaction_id").GetString());
        Assert.Equal(["txn-002", "txn-003"], published);
        Assert.All(rig.Publisher.Published, e => Assert.Equal("paywatch-transactions-test", e.EventBusName));
    }

    [Fact]
    public async Task Stdout_carries_one_log_line_per_transaction_and_valid_EMF()
    {
        using var rig = new Rig();
        await rig.InvokeAsync(KinesisEvents.Build(KinesisEvents.SpecSamples, Now.AddSeconds(-1)));

        var lines = EmfLines.Parse(rig.Stdout);
        var logs = lines.Where(l => !EmfLines.IsEmf(l) && l.TryGetProperty("status", out _)).ToList();
        Assert.Equal(["APPROVED", "APPROVED", "FAILED"], logs.Select(l => l.GetProperty("status").GetString()));
        var store = EmfLines.Ingest(rig.Stdout);
        Assert.Equal(3, EmfLines.Sum(store, MetricNames.TransactionsProcessed, ("Environment", "test")));
        Assert.Equal(1, EmfLines.Sum(store, MetricNames.HighValueTransactions, ("Environment", "test")));
        Assert.Equal(1, EmfLines.Sum(store, MetricNames.TransactionsFailed, ("Environment", "test"), ("TransactionType", "PURCHASE")));
    }

    [Fact]
    public async Task The_cold_start_metric_is_written_on_the_first_invocation_only()
    {
        using var rig = new Rig(initDuration: TimeSpan.FromMilliseconds(42.5));
        await rig.InvokeAsync(KinesisEvents.Build(KinesisEvents.SpecSamples.Take(1), Now));
        await rig.InvokeAsync(KinesisEvents.Build(KinesisEvents.SpecSamples.Take(1), Now));

        var store = EmfLines.Ingest(rig.Stdout);
        Assert.Equal(1, EmfLines.Sum(store, MetricNames.ColdStart, ("Environment", "test")));
        Assert.Equal(42.5, EmfLines.Sum(store, MetricNames.InitDuration, ("Environment", "test")));
        var coldStart = EmfLines.Parse(rig.Stdout).Single(l => l.TryGetProperty(MetricNames.ColdStart, out _));
        var metric = coldStart.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("Paywatch/Transactions", metric.GetProperty("Namespace").GetString());
        Assert.Equal(["Environment"], metric.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task A_payload_that_is_not_a_Kinesis_event_fails_the_invocation()
    {
        using var rig = new Rig();
        await Assert.ThrowsAsync<InvalidKinesisEventException>(() => rig.InvokeAsync("[1,2]"u8.ToArray()));
    }

    [Fact]
    public async Task Entries_the_publisher_could_not_publish_become_batch_item_failures_from_the_lowest_one()
    {
        using var rig = new Rig();
        rig.Publisher.FailWhen = e => e.Detail.Contains("txn-003", StringComparison.Ordinal);
        var response = await rig.InvokeAsync(KinesisEvents.Build(KinesisEvents.SpecSamples, Now));

        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(KinesisEvents.Sequence(3), failure.GetProperty("itemIdentifier").GetString());
    }

    private sealed class Rig : IDisposable
    {
        private readonly MemoryStream _stdout = new();
        private readonly TransactionFunction _function;

        public Rig(TimeSpan? initDuration = null)
        {
            var settings = FunctionSettings.FromEnvironment(name => name switch
            {
                FunctionSettings.EnvironmentVariable => "test",
                FunctionSettings.EventBusVariable => "paywatch-transactions-test",
                _ => null,
            });
            _function = new TransactionFunction(
                settings,
                RuleSet.Compile(RuleDefinition.LoadResources(typeof(LambdaServices).Assembly)),
                Publisher,
                new EmfMetricsWriter(_stdout),
                new StreamLogWriter(_stdout),
                FunctionTracing.Off,
                new FakeTimeProvider(Now),
                initDuration ?? TimeSpan.FromMilliseconds(10));
        }

        public InMemoryEventPublisher Publisher { get; } = new();

        public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());

        public async Task<JsonElement> InvokeAsync(byte[] payload)
        {
            var invocation = new LambdaInvocation("req", Now.AddMinutes(1), null, null, payload);
            var body = await _function.InvokeAsync(invocation, CancellationToken.None);
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public void Dispose()
        {
            _function.Dispose();
            _stdout.Dispose();
        }
    }
}
