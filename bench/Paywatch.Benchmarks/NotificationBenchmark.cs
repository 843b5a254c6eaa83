using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Cost.Footprint;
using Paywatch.Patterns;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// Notifications per 1,000 transactions, per rule, at 1,000 transactions a second on stream time: the real processor
/// with the shipped rules, over Terraform's mapping (5 shards, parallelization 2, batches of 100 or 1 s, a 300 s
/// tumbling window with its closing invocation), and every published entry matched by the rules as the bus matches
/// it. Each (event, rule) match is one notification: every rule has one target, the alerts topic.
/// </summary>
/// <remarks>
/// Stream time is simulated (a record arrives every millisecond) by Paywatch.Cost's <see cref="MappingSimulation"/>, the
/// simulation <c>paywatch cost</c> measures with, so a run takes seconds, not the scenario's minutes, and is exact and repeatable.
/// </remarks>
internal static class NotificationBenchmark
{
    private const int Shards = 5;
    private const int LanesPerShard = 2;
    private const int BatchSize = 100;
    private static readonly TimeSpan BatchingWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TumblingWindow = TimeSpan.FromSeconds(300);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync()
    {
        var rules = RuleSet.Compile(ShippedRules.Load());
        Console.WriteLine("scenario | transactions | rule | notifications | per 1,000 transactions | per second at 1,000 tx/s | busiest second | most in a window (alerts + summaries)");
        await RunAsync("default mix, 10 min", Generated(TrafficMix.Default, 600_000), rules);
        await RunAsync("broken producer (100 % invalid), 10 min", Generated(TrafficMix.Parse("invalid=1"), 600_000), rules);
        await RunAsync("velocity attack (12,000 cards x 50), 10 min", VelocityAttack(cards: 12_000, each: 50), rules);
    }

    private static async Task RunAsync(string scenario, List<(byte[] Json, string Key)> records, RuleSet rules)
    {
        var clock = new SimulatedClock(Start);
        var counter = new BusCounter(rules, clock);
        var mapping = new MappingSettings(Shards, LanesPerShard, BatchSize, BatchingWindow, TumblingWindow, Start);
        // As Terraform configures the function: PAYWATCH_LANE_COUNT is shards × parallelization factor.
        var options = new ProcessorOptions { LaneCount = mapping.Lanes, ParallelizationFactor = LanesPerShard };
        var timeline = new NotificationTimeline(counter, clock, Start, TumblingWindow, options.SummaryDetailType);
        var handlers = Enumerable.Range(0, mapping.Lanes)
            .Select(_ => new KinesisBatchHandler(
                options, timeline, new RuleRoutingPolicy(rules, options.EventSource, options.DetailType, PublishMode.Matched),
                new DiscardingMetricsWriter(), new DiscardingLogWriter(), clock))
            .ToArray();
        var simulation = new MappingSimulation(mapping, clock, (lane, kinesisEvent) => handlers[lane].HandleAsync(kinesisEvent, CancellationToken.None));

        for (var i = 0; i < records.Count; i++)
        {
            var arrival = Start.AddMilliseconds(i);
            var (json, key) = records[i];
            await simulation.AddAsync(simulation.LaneOf(key), KinesisEventRecord.FromData(json, $"{i + 1:D21}", key, arrival), arrival);
        }

        await simulation.CloseAsync();

        var seconds = records.Count / 1_000.0;
        foreach (var (rule, count) in counter.MatchesByRule.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario} | {records.Count:N0} | {rule} | {count:N0} | {count * 1_000.0 / records.Count:F2} | {count / seconds:F2} | "));
        }

        var total = counter.MatchesByRule.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario} | {records.Count:N0} | all | {total:N0} | {total * 1_000.0 / records.Count:F2} | {total / seconds:F2} | {timeline.BusiestSecond:N0} | {timeline.MostInAWindow:N0} ({timeline.MostAlertsInAWindow:N0} + {timeline.MostSummariesOfAWindow:N0}) over {timeline.Windows} windows"));
    }

    private static List<(byte[], string)> Generated(TrafficMix mix, int count) =>
        [.. new TrafficGenerator(seed: 7, mix, Start).Generate(count).Select(t => (t.Utf8Json, t.PartitionKey))];

    /// <summary>Valid everyday purchases from <paramref name="cards"/> cards, <paramref name="each"/> apiece, interleaved at random.</summary>
    private static List<(byte[], string)> VelocityAttack(int cards, int each)
    {
        var random = new Random(3);
        var order = Enumerable.Range(0, cards * each).Select(i => i % cards).ToArray();
        random.Shuffle(order);
        return [.. order.Select((card, i) =>
        {
            var cardId = string.Create(CultureInfo.InvariantCulture, $"card_attack_{card:D4}");
            var json = string.Create(CultureInfo.InvariantCulture,
                $$"""{"transaction_id":"txn-attack-{{i:D6}}","amount":{{random.Next(5, 80)}}.99,"currency":"USD","type":"PURCHASE","merchant_id":"merch-0042","merchant_country":"US","card_id":"{{cardId}}"}""");
            return (Encoding.UTF8.GetBytes(json), cardId);
        })];
    }
}
