using System.Globalization;
using Paywatch.Core.Telemetry;

namespace Paywatch.Cli.Commands;

/// <summary>
/// The metrics port for offline runs: totals the processor's own counters for the summary (so the summary
/// and the metrics can never disagree), and passes everything on to an EMF file when one is asked for.
/// </summary>
internal sealed class RunSummary(IMetricsWriter? next) : IMetricsWriter
{
    private readonly Dictionary<string, double> _totals = new(StringComparer.Ordinal);

    public void Write(string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<MetricSet> sets)
    {
        foreach (var set in sets)
        {
            foreach (var metric in set.Metrics)
            {
                if (metric.Unit == MetricUnit.Count)
                {
                    _totals[metric.Name] = Total(metric.Name) + metric.Values.Sum();
                }
            }
        }

        next?.Write(metricNamespace, timestamp, sets);
    }

    public double Total(string metricName) => _totals.GetValueOrDefault(metricName);

    public string Describe(TimeSpan elapsed)
    {
        var processed = Total(MetricNames.TransactionsProcessed);
        var rate = elapsed.TotalSeconds > 0 ? processed / elapsed.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"processed {processed:N0} transactions in {elapsed.TotalSeconds:N2} s ({rate:N0}/s): " +
            $"{Total(MetricNames.TransactionsApproved):N0} approved, {Total(MetricNames.TransactionsFailed):N0} failed, " +
            $"{Total(MetricNames.TransactionsErrored):N0} error; {Total(MetricNames.EventsPublished):N0} events published, " +
            $"{Total(MetricNames.PublishFailures):N0} publish failures; {Total(MetricNames.HighValueTransactions):N0} high-value, " +
            $"{Total(MetricNames.SuspectedFraud):N0} suspected fraud, {Total(MetricNames.VelocityExceeded):N0} velocity exceeded");
    }
}
