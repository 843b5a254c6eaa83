using Paywatch.Local.Storage;

namespace Paywatch.Local.Telemetry;

/// <summary>
/// The trace store's ring in the data folder (<c>traces/spans.journal</c>, and <c>spans.previous</c> before it), so that
/// GetTraceSummaries, BatchGetTraces and the web UI's traces read the same after a restart. X-Ray keeps traces for 30 days;
/// the twin keeps what its ring keeps, the
/// most recent <see cref="TraceStore.Capacity"/> spans, and so does the folder.
/// </summary>
/// <remarks>
/// Every few seconds the spans recorded since the last save are appended, one framed JSON record each
/// (<see cref="SpanJournalRecord"/>), with one fsync; recording a span (on the processor's path) does no IO. When the
/// journal holds a ring's worth it becomes <c>spans.previous</c> (replacing the one before) and a new journal starts,
/// so each file holds less than two rings' worth (a save adds at most one), and the last ring is always in the two. Under more spans than
/// the ring holds per interval, only those the ring still has are saved: the folder never writes more than a ring an
/// interval. At start both files are read (the rule of the data folder: a torn tail cut, a damaged record skipped and
/// counted, both reported) and rewritten as one journal of the ring's spans.
/// </remarks>
internal sealed class TraceStateStore : IDisposable
{
    public const string FileName = "spans.journal";

    public const string PreviousFileName = "spans.previous";

    /// <summary>How often new spans are saved (and so, at most, what a killed process loses).</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    private readonly TraceStore _store;
    private readonly AppendJournal _journal;
    private readonly string _previous;
    private readonly PeriodicSave _saving;
    private long _position;
    private long _inJournal;
    private bool _rewriteAll;

    /// <summary>Reads what the last run kept into <paramref name="store"/>, then saves new spans every <see cref="SaveInterval"/>.</summary>
    /// <param name="directory">The data folder's <c>traces</c> folder.</param>
    /// <param name="flushToDisk">False skips the fsyncs: safe against a killed process, not a power cut (tests).</param>
    /// <exception cref="DataFolderException">A file is of a newer format version.</exception>
    public TraceStateStore(string directory, TraceStore store, TimeProvider time, DataFolderReport report, bool flushToDisk = true)
    {
        _store = store;
        _journal = new AppendJournal(System.IO.Path.Combine(directory, FileName), flushToDisk);
        _previous = System.IO.Path.Combine(directory, PreviousFileName);
        // A stop between RewriteAll's rewrite and its deletion of the previous file leaves the ring's spans in both files:
        // each span is restored once, where it first appears (the previous file holds the older spans).
        var kept = Load(_previous, report).Concat(Load(Path, report)).DistinctBy(s => (s.TraceId, s.SpanId)).TakeLast(store.Capacity).ToList();
        foreach (var span in kept)
        {
            store.Restore(span);
        }

        RewriteAll();
        _saving = new PeriodicSave(time, SaveInterval, _journal, Save);
    }

    public string Path => _journal.Path;

    /// <summary>Why the last periodic save failed (a full disk, say), naming the file, or null once one succeeds; the next interval tries again.</summary>
    public string? SaveFailure => _saving.Failure;

    /// <summary>Saves the last spans and closes the journal.</summary>
    public void Dispose() => _saving.Dispose();

    private static List<SpanRecord> Load(string path, DataFolderReport report) =>
        File.Exists(path) ? JournalFile.ReadRecords(path, report, "spans", "the spans saved in them are lost", SpanJournalRecord.Read) : [];

    private void Save()
    {
        if (_rewriteAll)
        {
            RewriteAll();
            return;
        }

        var spans = _store.SpansSince(ref _position);
        try
        {
            _journal.Append(spans, SpanJournalRecord.Write);
            _inJournal += spans.Count;
            if (_inJournal >= _store.Capacity)
            {
                _journal.MoveTo(_previous);
                _inJournal = 0;
            }
        }
        catch (IOException)
        {
            // What reached the file is unknown: the next save writes the ring whole.
            _rewriteAll = true;
            throw;
        }
    }

    /// <summary>The journal becomes the ring's spans alone; the previous file goes.</summary>
    private void RewriteAll()
    {
        _rewriteAll = true;
        _position = 0;
        var spans = _store.SpansSince(ref _position);
        _journal.Rewrite(spans, SpanJournalRecord.Write);
        File.Delete(_previous);
        _inJournal = spans.Count;
        _rewriteAll = false;
    }
}
