namespace Paywatch.Local.Storage;

/// <summary>
/// Runs a store's save every interval on the twin's clock, and once more when disposed (a graceful stop keeps
/// everything up to its last moment; a killed process loses at most one interval). Saves never overlap, and none runs
/// after the final one. A save that fails with an <see cref="IOException"/> is kept in <see cref="Failure"/> and tried
/// again at the next interval: a full disk never stops the twin, and the save after it catches up.
/// </summary>
internal sealed class PeriodicSave : IDisposable
{
    private readonly Action _save;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private bool _stopped;

    public PeriodicSave(TimeProvider time, TimeSpan interval, Action save)
    {
        _save = save;
        _timer = time.CreateTimer(_ => Run(), null, interval, interval);
    }

    /// <summary>The last save's failure; null once a save succeeds.</summary>
    public IOException? Failure { get; private set; }

    /// <summary>Stops the timer and saves a last time; the final save's failure is thrown.</summary>
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
            _save();
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
                Failure = e;
            }
        }
    }
}
