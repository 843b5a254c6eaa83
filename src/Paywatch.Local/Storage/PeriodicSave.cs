namespace Paywatch.Local.Storage;

/// <summary>
/// Runs a store's save every interval on the twin's clock, and once more when disposed (a graceful stop keeps
/// everything up to its last moment; a killed process loses at most one interval). Saves never overlap, and none runs
/// after the final one. A save that fails with an <see cref="IOException"/> is kept in <see cref="Failure"/> and tried
/// again at the next interval: a full disk never stops the twin, and the save after it catches up. It owns the journal
/// the store saves to, and closes it after the final save.
/// </summary>
internal sealed class PeriodicSave : IDisposable
{
    private readonly AppendJournal _journal;
    private readonly Action _save;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private bool _stopped;

    public PeriodicSave(TimeProvider time, TimeSpan interval, AppendJournal journal, Action save)
    {
        _journal = journal;
        _save = save;
        _timer = time.CreateTimer(_ => Run(), null, interval, interval);
    }

    /// <summary>Why the last save failed (a full disk, say), naming the journal; null once a save succeeds.</summary>
    public string? Failure { get; private set; }

    /// <summary>Stops the timer, saves a last time and closes the journal; the final save's failure is thrown.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            try
            {
                _save();
            }
            finally
            {
                _journal.Dispose();
            }
        }
    }

    private void Run()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            try
            {
                _save();
                Failure = null;
            }
            catch (IOException e)
            {
                Failure = $"{_journal.Path}: {e.Message}";
            }
        }
    }
}
