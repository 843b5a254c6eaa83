using System.Text.Json;
using Paywatch.Local.Storage;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The metric store in the data folder (<c>metrics/metrics.journal</c>), so that GetMetricStatistics, GetMetricData,
/// the dashboard and the alarms read the same after a restart, as CloudWatch keeps its metrics
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html).
/// Every few seconds the buckets that changed are appended whole, one framed JSON record each
/// (<see cref="MetricBucketRecord"/>), with one fsync: the metric writes themselves (thousands a second) only mark
/// their bucket changed. A bucket's later record replaces its earlier one. The journal is rewritten with just the
/// store's buckets at start and whenever it grows past twice that size (and at least 16 MiB),
/// so on disk it is bounded as the store is in memory: by its retention and series limit.
/// </summary>
/// <remarks>
/// A killed process loses at most the last interval's changes (a graceful stop saves them). Damage is read by the
/// data folder's rule (<see cref="JournalFile"/>): a torn tail is cut and a damaged record skipped and counted, each
/// costing the changes of that bucket since its previous record; both are reported at start.
/// </remarks>
internal sealed class MetricStateStore : IDisposable
{
    public const string FileName = "metrics.journal";

    /// <summary>How often the changed buckets are saved (and so, at most, what a killed process loses).</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    private readonly long _compactAfterBytes;
    private readonly MetricStore _store;
    private readonly AppendJournal _journal;
    private readonly PeriodicSave _saving;
    private long _compactedLength;
    private bool _rewriteAll;

    /// <summary>Reads what the last run kept into <paramref name="store"/>, then saves its changes every <see cref="SaveInterval"/>.</summary>
    /// <param name="directory">The data folder's <c>metrics</c> folder.</param>
    /// <param name="flushToDisk">False skips the fsyncs: safe against a killed process, not a power cut (tests).</param>
    /// <param name="compactAfterBytes">The journal is never compacted below this size (tests make it small).</param>
    /// <exception cref="DataFolderException">The journal is of a newer format version.</exception>
    public MetricStateStore(string directory, MetricStore store, TimeProvider time, DataFolderReport report, bool flushToDisk = true, long compactAfterBytes = 16 * 1024 * 1024)
    {
        _store = store;
        _compactAfterBytes = compactAfterBytes;
        _journal = new AppendJournal(System.IO.Path.Combine(directory, FileName), flushToDisk);
        if (File.Exists(Path))
        {
            Load(report);
        }

        store.TrackChanges();
        Compact();
        _saving = new PeriodicSave(time, SaveInterval, _journal, Save);
    }

    public string Path => _journal.Path;

    /// <summary>Why the last periodic save failed (a full disk, say), naming the file, or null once one succeeds; the next interval tries again.</summary>
    public string? SaveFailure => _saving.Failure;

    /// <summary>Saves the last changes and closes the journal.</summary>
    public void Dispose() => _saving.Dispose();

    private void Load(DataFolderReport report)
    {
        var buckets = JournalFile.ReadRecords(Path, report, "metric buckets", "the metric changes saved in them are lost", MetricBucketRecord.Read);
        var refused = _store.Restore(buckets);
        if (refused > 0)
        {
            report.Add(Path, $"{refused} bucket(s) of metrics beyond the store's series limit not restored");
        }
    }

    private void Save()
    {
        var changed = _store.TakeChangedBuckets();
        if (_rewriteAll || _journal.Length > Math.Max(2 * _compactedLength, _compactAfterBytes))
        {
            Compact();
            return;
        }

        try
        {
            _journal.Append(changed, MetricBucketRecord.Write);
        }
        catch (IOException)
        {
            // What reached the file is unknown and these changes are taken: the next save writes every bucket.
            _rewriteAll = true;
            throw;
        }
    }

    private void Compact()
    {
        _rewriteAll = true;
        _journal.Rewrite(_store.AllBuckets(), MetricBucketRecord.Write);
        _compactedLength = _journal.Length;
        _rewriteAll = false;
    }
}
