using Paywatch.Aws.Runtime;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Local.Functions;
using Paywatch.Local.Tests.EventSourceMapping;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;

namespace Paywatch.Local.Tests.Functions;

/// <summary>The twin's function host running the function Lambda runs (<see cref="TransactionFunction"/>), one per execution environment.</summary>
public sealed class TransactionFunctionInTwinTests
{
    // The shipped rules' patterns (config/rules/high-value.json and failed.json).
    private static readonly RuleDefinition[] Rules =
    [
        RuleDefinition.Parse("""{"Name":"paywatch-high-value","State":"ENABLED","EventPattern":{"source":["paywatch.transactions"],"detail-type":["Transaction Processed"],"detail":{"amount":[{"numeric":[">",10000]}]}}}"""),
        RuleDefinition.Parse("""{"Name":"paywatch-failed","State":"ENABLED","EventPattern":{"source":["paywatch.transactions"],"detail-type":["Transaction Processed"],"detail":{"status":["FAILED","ERROR"]}}}"""),
    ];

    [Fact]
    public async Task The_spec_s_three_records_are_processed_by_the_real_processor_through_the_mapping()
    {
        var publisher = new InMemoryEventPublisher();
        var logs = new RecordingLogWriter();
        var metrics = new RecordingMetricsWriter();
        using var processor = NewFunction(publisher, metrics, logs, new ProcessorOptions { EventBusName = "paywatch-transactions-local" });
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { TumblingWindow = TimeSpan.FromSeconds(300) }, function: processor);
        // SEED.md, "Generate test transactions".
        fixture.Source.Put(MappingFixture.Shard0, "test-1", """{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""");
        fixture.Source.Put(MappingFixture.Shard0, "test-2", """{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""");
        fixture.Source.Put(MappingFixture.Shard0, "test-3", """{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}""");

        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(3, fixture.Mapping.RecordsCompleted);
        Assert.Empty(fixture.Destination.Messages);
        var published = publisher.Published.Select(p => JsonDocument.Parse(p.Detail).RootElement.GetProperty("transaction_id").GetString()).ToList();
        Assert.Equal(["txn-002", "txn-003"], published);
        Assert.All(publisher.Published, p => Assert.Equal("paywatch-transactions-local", p.EventBusName));
        Assert.Equal(3, logs.Lines.Count(l => l.Contains("\"message\":\"transaction processed\"", StringComparison.Ordinal)));
        Assert.Contains(metrics.Names, n => n == MetricNames.TransactionsProcessed);
        Assert.Contains(metrics.Names, n => n == MetricNames.ColdStart);
    }

    [Fact]
    public async Task The_window_state_the_processor_returns_comes_back_in_the_next_event()
    {
        using var inner = NewFunction(new InMemoryEventPublisher(), new RecordingMetricsWriter(), new RecordingLogWriter());
        var spy = new SpyFunction(inner);
        await using var fixture = new MappingFixture(MappingFixture.Defaults with { TumblingWindow = TimeSpan.FromSeconds(300) }, function: spy);
        var transaction = """{"transaction_id":"txn-9","amount":10,"type":"PURCHASE","merchant_id":"m-1","merchant_country":"US","card_token":"tok-1"}""";
        fixture.Source.Put(MappingFixture.Shard0, "k", transaction);
        await fixture.Mapping.PollUntilIdleAsync();
        fixture.Source.Put(MappingFixture.Shard0, "k", transaction);
        await fixture.Mapping.PollUntilIdleAsync();

        Assert.Equal(2, spy.Events.Count);
        var firstResponseState = JsonDocument.Parse(spy.Responses[0]).RootElement.GetProperty("state").GetRawText();
        Assert.Equal(firstResponseState, JsonDocument.Parse(spy.Events[1]).RootElement.GetProperty("state").GetRawText());
    }

    /// <summary>
    /// Two lanes' events, interleaved, each lane's state holding 100 other cards (1.6 KB): each state must come back
    /// counted exactly from itself, and the host keeps one environment per lane, so no environment reads another lane's
    /// state again.
    /// </summary>
    [Fact]
    public async Task Interleaved_lanes_each_keep_an_environment_holding_their_window_state_and_count_exactly()
    {
        using var host = NewHost();
        var states = await InterleaveAsync(host, new() { ["card-a"] = StateOf(100, lane: "a"), ["card-b"] = StateOf(100, lane: "b") }, byLane: true);

        foreach (var (card, state) in states)
        {
            var counts = Read(state);
            Assert.Equal(101, counts.Count);
            Assert.Equal(4, counts.Increment(Encoding.UTF8.GetBytes(card), out _)); // counted once per round, whatever the other lane did
            Assert.Equal(2, counts.Increment(Encoding.UTF8.GetBytes($"{card[^1]}-card-7"), out _)); // the lane's other cards, untouched
        }

        Assert.Equal(2, host.Environments);
    }

    /// <summary>Invocations from no particular caller take any idle environment, which reads each state it is given.</summary>
    [Fact]
    public async Task Invocations_without_a_caller_share_an_environment_and_still_count_exactly()
    {
        using var host = NewHost();
        var states = await InterleaveAsync(host, new() { ["card-a"] = "{}", ["card-b"] = "{}" }, byLane: false);

        foreach (var (card, state) in states)
        {
            var counts = Read(state);
            Assert.Equal(1, counts.Count);
            Assert.Equal(4, counts.Increment(Encoding.UTF8.GetBytes(card), out _));
        }

        Assert.Equal(1, host.Environments);
    }

    private static TransactionFunction NewFunction(IEventPublisher publisher, IMetricsWriter metrics, ILogWriter logs, ProcessorOptions? options = null) =>
        new(new FunctionSettings(options ?? new ProcessorOptions(), PublishMode.Matched, "transaction-processor-local"), RuleSet.Compile(Rules),
            publisher, metrics, logs, FunctionTracing.Off, TimeProvider.System, TimeSpan.Zero);

    private static LocalFunctionHost NewHost() =>
        new(new LocalFunctionOptions(), () => NewFunction(new InMemoryEventPublisher(), new RecordingMetricsWriter(), new RecordingLogWriter()),
            new MetricStore(TimeSpan.FromHours(1)), TimeProvider.System);

    /// <summary>Three rounds of one transaction per lane (a lane per card), each lane's state carried to its next event.</summary>
    private static async Task<Dictionary<string, string>> InterleaveAsync(LocalFunctionHost host, Dictionary<string, string> states, bool byLane)
    {
        for (var round = 1; round <= 3; round++)
        {
            foreach (var card in states.Keys.ToList())
            {
                var result = await host.InvokeAsync(WindowEvent(card, round, states[card]), CancellationToken.None, byLane ? card : null);
                Assert.Equal(InvocationStatus.Success, result.Status);
                states[card] = JsonDocument.Parse(result.Payload).RootElement.GetProperty("state").GetRawText();
            }
        }

        return states;
    }

    /// <summary>A window state of <paramref name="cards"/> cards seen once each, as the processor writes it.</summary>
    private static string StateOf(int cards, string lane)
    {
        var counter = new VelocityCounter();
        for (var i = 0; i < cards; i++)
        {
            counter.Increment(Encoding.UTF8.GetBytes($"{lane}-card-{i}"), out _);
        }

        return Encoding.UTF8.GetString(counter.State.Span);
    }

    /// <summary>The counts a window state carries, read as the processor reads them.</summary>
    private static VelocityCounter Read(string state)
    {
        var counter = new VelocityCounter();
        Assert.True(counter.Load(Encoding.UTF8.GetBytes(state)));
        return counter;
    }

    /// <summary>A Kinesis event with a tumbling window (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html).</summary>
    private static byte[] WindowEvent(string card, int round, string state)
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$"""{"transaction_id":"txn-{{card}}-{{round}}","amount":10,"type":"PURCHASE","merchant_id":"m-1","merchant_country":"US","card_id":"{{card}}"}"""));
        var now = DateTimeOffset.UtcNow;
        return Encoding.UTF8.GetBytes($$"""
            {"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"{{card}}","sequenceNumber":"{{round}}","data":"{{data}}","approximateArrivalTimestamp":{{now.ToUnixTimeMilliseconds() / 1000m}}},
              "eventSource":"aws:kinesis","eventID":"shardId-000000000000:{{round}}","eventName":"aws:kinesis:record","awsRegion":"us-east-1",
              "eventSourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s"}],
             "window":{"start":"{{now.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}}","end":"{{now.AddMinutes(4):yyyy-MM-ddTHH:mm:ssZ}}"},
             "state":{{state}},"shardId":"shardId-000000000000","eventSourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s",
             "isFinalInvokeForWindow":false,"isWindowTerminatedEarly":false}
            """);
    }

    private sealed class SpyFunction(ILambdaFunction inner) : ILambdaFunction
    {
        public List<string> Events { get; } = [];

        public List<string> Responses { get; } = [];

        public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
        {
            Events.Add(Encoding.UTF8.GetString(invocation.Payload.Span));
            var response = await inner.InvokeAsync(invocation, cancellationToken);
            Responses.Add(Encoding.UTF8.GetString(response.Span));
            return response;
        }
    }

    private sealed class RecordingLogWriter : ILogWriter
    {
        private readonly Lock _lock = new();

        public List<string> Lines { get; } = [];

        public void Write(ReadOnlySpan<byte> utf8Lines)
        {
            lock (_lock)
            {
                Lines.AddRange(Encoding.UTF8.GetString(utf8Lines).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    private sealed class RecordingMetricsWriter : IMetricsWriter
    {
        public List<string> Names { get; } = [];

        public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
        {
            lock (Names)
            {
                Names.AddRange(sets.SelectMany(s => s.Metrics).Select(m => m.Name));
            }
        }
    }
}
