using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// Matching EventBridge events (UTF-8 JSON, parsing included) against the shipped four rules, and against 100
/// and 1,000 rules that test the same fields with other values (thresholds, countries, types, prefixes), to show
/// how the cost moves with the number of rules. The events are the processor's own output for generated traffic
/// (the default mix), wrapped in the envelope EventBridge delivers. Figures are per event.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PatternBenchmarks
{
    private const int Events = 1000;

    private byte[][] _events = [];
    private byte[][] _details = [];
    private RuleMatcher _matcher = null!;
    private readonly List<string> _matched = [];

    [Params(4, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _details = [.. ProcessedDetails(Events)];
        _events = [.. _details.Select((d, i) => Envelope(d, i))];
        var rules = ShippedRules.Load().Select(r => KeyValuePair.Create(r.Name, r.EventPattern)).ToList();
        rules.AddRange(SimilarRules(Rules - rules.Count));
        _matcher = RuleSet.Compile(rules).CreateMatcher();
    }

    /// <summary>A whole event, as EventBridge (or the local twin's bus) matches it.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int MatchEvent()
    {
        var total = 0;
        foreach (var e in _events)
        {
            _matched.Clear();
            total += _matcher.Match(e, _matched);
        }

        return total;
    }

    /// <summary>The floor: reading every token of the events with System.Text.Json's reader, matching nothing.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int ReadTokensOnly()
    {
        var tokens = 0;
        foreach (var e in _events)
        {
            var reader = new System.Text.Json.Utf8JsonReader(e);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    /// <summary>A PutEvents entry's detail with its source and detail type, as the processor routes it.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int MatchEntry()
    {
        var total = 0;
        foreach (var detail in _details)
        {
            _matched.Clear();
            total += _matcher.MatchEntry("paywatch.transactions", "Transaction Processed", detail, _matched);
        }

        return total;
    }

    // Rules over the same fields as the shipped four, with other values: what a growing rule set looks like.
    private static IEnumerable<KeyValuePair<string, EventPattern>> SimilarRules(int count)
    {
        string[] types = ["PURCHASE", "REFUND", "TRANSFER", "WITHDRAWAL", "DEPOSIT", "PAYMENT", "AUTHORIZATION", "CAPTURE"];
        string[] countries = ["US", "CA", "GB", "DE", "FR", "JP", "BR", "IN", "NG", "RU", "CN", "MX"];
        for (var i = 0; i < count; i++)
        {
            var pattern = (i % 5) switch
            {
                0 => $$$"""{"source":["paywatch.transactions"],"detail":{"amount":[{"numeric":[">",{{{1000 + (i * 37)}}}]}]}}""",
                1 => $$$"""{"source":["paywatch.transactions"],"detail":{"type":["{{{types[i % types.Length]}}}"],"currency":["{{{(i % 2 == 0 ? "USD" : "EUR")}}}"]}}""",
                2 => $$$"""{"source":["paywatch.transactions"],"detail":{"risk_score":[{"numeric":[">=",{{{i % 100}}}]}],"merchant_country":["{{{countries[i % countries.Length]}}}"]}}""",
                3 => $$$"""{"source":["paywatch.transactions"],"detail":{"merchant_id":[{"prefix":"merch-{{{i % 1000:D3}}}"}]}}""",
                _ => $$$"""{"source":["paywatch.transactions"],"detail":{"transaction_count":[{"numeric":[">",{{{i % 50}}}]}],"status":["APPROVED"]}}""",
            };
            yield return KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"rule-{i}"), EventPattern.Parse(pattern));
        }
    }

    private static List<byte[]> ProcessedDetails(int count)
    {
        var publisher = new CollectingPublisher();
        var arrival = DateTimeOffset.UtcNow;
        using var handler = new KinesisBatchHandler(
            new ProcessorOptions(), publisher, PublishAllPolicy.Instance, new DiscardingMetricsWriter(), new DiscardingLogWriter(), TimeProvider.System);
        var records = new TrafficGenerator(seed: 3).Generate(count)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, arrival)).ToArray();
        handler.HandleAsync(new KinesisEvent { Records = records, ShardId = "shardId-000000000000" }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return publisher.Details;
    }

    private static byte[] Envelope(byte[] detail, int i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$"""{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718-{{i}}","detail-type":"Transaction Processed","source":"paywatch.transactions","account":"111122223333","time":"2026-11-26T08:00:00Z","region":"us-east-1","resources":[],"detail":{{Encoding.UTF8.GetString(detail)}}}"""));

    private sealed class CollectingPublisher : IEventPublisher
    {
        public List<byte[]> Details { get; } = [];

        public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
        {
            foreach (var entry in entries.Span)
            {
                Details.Add(entry.Detail.ToArray());
            }

            return ValueTask.FromResult(PublishResult.Success);
        }
    }
}
