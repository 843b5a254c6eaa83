namespace Paywatch.Local.EventSourceMapping;

/// <summary>An auto-reset signal a loop waits on, with a deadline measured by a <see cref="TimeProvider"/>.</summary>
internal sealed class AsyncSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private readonly Lock _lock = new();
    private bool _waiting;

    /// <summary>
    /// A loop is blocked on the signal and nothing has set it since: until the clock reaches the wait's deadline, the
    /// loop does nothing. False from the moment <see cref="Set"/> is called, before the waiter resumes.
    /// </summary>
    public bool IsWaiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting;
            }
        }
    }

    public void Set()
    {
        lock (_lock)
        {
            _waiting = false;
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
    }

    /// <summary>Completes when the signal is set (consuming it), the timeout elapses, or — throwing — on cancellation.</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            _waiting = _semaphore.CurrentCount == 0;
        }

        var signalled = _semaphore.WaitAsync(wait.Token);
        if (timeout is { } due)
        {
            var delay = Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, time, wait.Token);
            await Task.WhenAny(signalled, delay).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAny(signalled).ConfigureAwait(false);
        }

        lock (_lock)
        {
            _waiting = false;
        }

        await wait.CancelAsync().ConfigureAwait(false);
        try
        {
            await signalled.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline came first: the signal was not consumed.
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose() => _semaphore.Dispose();
}
