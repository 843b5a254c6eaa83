using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
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
/// Stream time is simulated (a record arrives every millisecond), so a run takes seconds, not the scenario's
/// minutes, and is exact and repeatable. Lanes are dealt as Kinesis does: the shard by the partition key's MD5 in
/// five equal hash ranges, the lane within the shard by the key's hash (the twin's mapping does the same).
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
        Console.WriteLine("scenario | transactions | rule | notifications | per 1,000 transactions | per second at 1,000 tx/s | busiest second");
        await RunAsync("default mix, 10 min", Generated(TrafficMix.Default, 600_000), rules);
        await RunAsync("broken producer (100 % invalid), 10 min", Generated(TrafficMix.Parse("invalid=1"), 600_000), rules);
        await RunAsync("velocity attack (1,000 cards x 50)", VelocityAttack(cards: 1_000, each: 50), rules);
    }

    private static async Task RunAsync(string scenario, List<(byte[] Json, string Key)> records, RuleSet rules)
    {
        var time = new SimulatedTime();
        var counter = new NotificationCounter(rules, time);
        var options = new ProcessorOptions();
        var lanes = Enumerable.Range(0, Shards * LanesPerShard)
            .Select(i => new Lane(
                $"shardId-{i / LanesPerShard:D12}",
                new KinesisBatchHandler(
                    options, counter, new RuleRoutingPolicy(rules, options.EventSource, options.DetailType, PublishMode.Matched),
                    new DiscardingMetricsWriter(), new DiscardingLogWriter(), time)))
            .ToArray();

        for (var i = 0; i < records.Count; i++)
        {
            var arrival = Start.AddMilliseconds(i);
            time.Now = arrival;
            var (json, key) = records[i];
            var lane = lanes[LaneOf(key)];
            await lane.AddAsync(KinesisEventRecord.FromData(json, $"{i + 1:D21}", key, arrival), arrival, time);
        }

        time.Now = Start.AddMilliseconds(records.Count) + TumblingWindow;
        foreach (var lane in lanes)
        {
            await lane.CloseAsync(time);
        }

        var seconds = records.Count / 1_000.0;
        foreach (var (rule, count) in counter.ByRule.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario} | {records.Count:N0} | {rule} | {count:N0} | {count * 1_000.0 / records.Count:F2} | {count / seconds:F2} | "));
        }

        var total = counter.ByRule.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario} | {records.Count:N0} | all | {total:N0} | {total * 1_000.0 / records.Count:F2} | {total / seconds:F2} | {counter.BusiestSecond:N0}"));
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

    /// <summary>The lane a partition key goes to: its shard by MD5 hash range (Kinesis), then the lane within it.</summary>
    private static int LaneOf(string partitionKey)
    {
#pragma warning disable CA5351 // Kinesis maps partition keys to shards by MD5: a hash range, not a security measure.
        var md5 = MD5.HashData(Encoding.UTF8.GetBytes(partitionKey));
#pragma warning restore CA5351
        var shard = (int)((UInt128)BinaryPrimitives.ReadUInt64BigEndian(md5) * Shards >> 64);
        return (shard * LanesPerShard) + (int)(BinaryPrimitives.ReadUInt32BigEndian(md5.AsSpan(8)) % LanesPerShard);
    }

    /// <summary>One shard lane: gathers a batch (100 records or 1 s), invokes, carries the window state, closes windows.</summary>
    private sealed class Lane(string shardId, KinesisBatchHandler handler)
    {
        private readonly List<KinesisEventRecord> _pending = [];
        private DateTimeOffset _gatherStart;
        private TumblingWindow? _window;
        private ReadOnlyMemory<byte> _state;

        public async Task AddAsync(KinesisEventRecord record, DateTimeOffset arrival, SimulatedTime time)
        {
            var window = WindowOf(arrival);
            if (_pending.Count > 0 && (arrival - _gatherStart >= BatchingWindow || window != _window))
            {
                await InvokeAsync(final: false);
            }

            if (window != _window)
            {
                await CloseAsync(time);
                _window = window;
            }

            if (_pending.Count == 0)
            {
                _gatherStart = arrival;
            }

            _pending.Add(record);
            if (_pending.Count == BatchSize)
            {
                await InvokeAsync(final: false);
            }
        }

        /// <summary>Invokes what is gathered, then the open window's closing invocation.</summary>
        public async Task CloseAsync(SimulatedTime time)
        {
            if (_window is not { } open)
            {
                return;
            }

            if (_pending.Count > 0)
            {
                await InvokeAsync(final: false);
            }

            var now = time.Now;
            time.Now = open.End;
            await InvokeAsync(final: true);
            time.Now = now;
            _window = null;
            _state = default;
        }

        private async Task InvokeAsync(bool final)
        {
            var response = await handler.HandleAsync(
                new KinesisEvent { Records = [.. _pending], Window = _window, State = _state, ShardId = shardId, IsFinalInvokeForWindow = final },
                CancellationToken.None);
            _state = response.State ?? default;
            _pending.Clear();
        }

        private static TumblingWindow WindowOf(DateTimeOffset arrival)
        {
            var start = Start + (TumblingWindow * Math.Floor((arrival - Start) / TumblingWindow));
            return new TumblingWindow(start, start + TumblingWindow);
        }
    }

    /// <summary>Matches every published entry as the bus does and counts a notification per matched rule, per second.</summary>
    private sealed class NotificationCounter(RuleSet rules, SimulatedTime time) : IEventPublisher
    {
        private readonly RuleMatcher _matcher = rules.CreateMatcher();
        private readonly List<string> _matched = [];
        private readonly Dictionary<long, int> _perSecond = [];

        public Dictionary<string, long> ByRule { get; } = rules.RuleNames.ToDictionary(r => r, _ => 0L, StringComparer.Ordinal);

        public int BusiestSecond => _perSecond.Count == 0 ? 0 : _perSecond.Values.Max();

        public ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
        {
            var second = time.Now.ToUnixTimeSeconds();
            foreach (var entry in entries.Span)
            {
                _matched.Clear();
                _matcher.MatchEntry(entry.Source, entry.DetailType, entry.Detail.Span, _matched);
                foreach (var rule in _matched)
                {
                    ByRule[rule]++;
                }

                _perSecond[second] = _perSecond.GetValueOrDefault(second) + _matched.Count;
            }

            return ValueTask.FromResult(PublishResult.Success);
        }
    }

    private sealed class SimulatedTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
