using Paywatch.Core.Processing;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Telemetry;

/// <summary>
/// Aggregates one batch's metrics in memory, then hands them to an <see cref="IMetricsWriter"/> in one go: a
/// set per transaction type seen (rolled up to the environment too) and a set of batch-level counters.
/// Reused across batches; recording a transaction allocates nothing once the lists have grown.
/// </summary>
internal sealed class BatchMetrics
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> ByTypeAndEnvironment =
    [
        [MetricNames.Dimensions.Environment],
        [MetricNames.Dimensions.Environment, MetricNames.Dimensions.TransactionType],
    ];

    private static readonly IReadOnlyList<IReadOnlyList<string>> ByEnvironment = [[MetricNames.Dimensions.Environment]];

    private static readonly int TypeCount = Enum.GetValues<TransactionType>().Length;

    private readonly TypeTotals[] _byType = new TypeTotals[TypeCount];
    private int _published;
    private int _publishFailures;
    private int _retried;
    private int _evicted;

    public BatchMetrics()
    {
        for (var i = 0; i < _byType.Length; i++)
        {
            _byType[i] = new TypeTotals();
        }
    }

    public void Reset()
    {
        foreach (var totals in _byType)
        {
            totals.Reset();
        }

        _published = _publishFailures = _retried = _evicted = 0;
    }

    public void RecordTransaction(in TransactionOutcome outcome)
    {
        var totals = _byType[(int)outcome.Type];
        totals.Processed++;
        switch (outcome.Status)
        {
            case TransactionStatus.Approved:
                totals.Approved++;
                totals.Amounts.Add((double)outcome.Amount.GetValueOrDefault());
                break;
            case TransactionStatus.Failed:
                totals.Failed++;
                break;
            default:
                totals.Errored++;
                break;
        }

        if (outcome.LatencyMilliseconds is { } latency)
        {
            totals.Latencies.Add(latency);
        }
        totals.HighValue += outcome.IsHighValue ? 1 : 0;
        totals.SuspectedFraud += outcome.IsSuspectedFraud ? 1 : 0;
        totals.VelocityExceeded += outcome.IsVelocityExceeded ? 1 : 0;
        totals.PansMasked += outcome.MaskedPans;
    }

    public void RecordBatch(int published, int publishFailures, int retried, int evicted)
    {
        _published += published;
        _publishFailures += publishFailures;
        _retried += retried;
        _evicted += evicted;
    }

    public List<MetricSet> Snapshot(string environment)
    {
        var sets = new List<MetricSet>();
        for (var type = 0; type < _byType.Length; type++)
        {
            var totals = _byType[type];
            if (totals.Processed == 0)
            {
                continue;
            }

            List<MetricValues> metrics =
            [
                Counter(MetricNames.TransactionsProcessed, totals.Processed),
                Counter(MetricNames.TransactionsApproved, totals.Approved),
                Counter(MetricNames.TransactionsFailed, totals.Failed),
                Counter(MetricNames.TransactionsErrored, totals.Errored),
                Counter(MetricNames.HighValueTransactions, totals.HighValue),
                Counter(MetricNames.SuspectedFraud, totals.SuspectedFraud),
                Counter(MetricNames.VelocityExceeded, totals.VelocityExceeded),
            ];
            if (totals.Latencies.Count > 0)
            {
                metrics.Add(new MetricValues(MetricNames.ProcessingLatency, MetricUnit.Milliseconds, [.. totals.Latencies]));
            }

            if (totals.Amounts.Count > 0)
            {
                metrics.Add(new MetricValues(MetricNames.TransactionAmount, MetricUnit.None, [.. totals.Amounts]));
            }

            if (totals.PansMasked > 0)
            {
                metrics.Add(Counter(MetricNames.PansMasked, totals.PansMasked));
            }

            sets.Add(new MetricSet(
                [
                    new(MetricNames.Dimensions.Environment, environment),
                    new(MetricNames.Dimensions.TransactionType, ((TransactionType)type).ToWireName()),
                ],
                ByTypeAndEnvironment,
                metrics));
        }

        sets.Add(new MetricSet(
            [new(MetricNames.Dimensions.Environment, environment)],
            ByEnvironment,
            [
                Counter(MetricNames.EventsPublished, _published),
                Counter(MetricNames.PublishFailures, _publishFailures),
                Counter(MetricNames.RecordsRetried, _retried),
                Counter(MetricNames.VelocityStateEvicted, _evicted),
            ]));
        return sets;
    }

    private static MetricValues Counter(string name, int value) => new(name, MetricUnit.Count, [value]);

    private sealed class TypeTotals
    {
        public List<double> Amounts { get; } = [];

        public List<double> Latencies { get; } = [];

        public int Processed { get; set; }

        public int Approved { get; set; }

        public int Failed { get; set; }

        public int Errored { get; set; }

        public int HighValue { get; set; }

        public int SuspectedFraud { get; set; }

        public int VelocityExceeded { get; set; }

        public int PansMasked { get; set; }

        public void Reset()
        {
            Amounts.Clear();
            Latencies.Clear();
            Processed = Approved = Failed = Errored = HighValue = SuspectedFraud = VelocityExceeded = PansMasked = 0;
        }
    }
}
