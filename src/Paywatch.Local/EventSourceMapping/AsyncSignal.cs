namespace Paywatch.Local.EventSourceMapping;

/// <summary>An auto-reset signal a loop waits on, with a deadline measured by a <see cref="TimeProvider"/>.</summary>
internal sealed class AsyncSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private readonly Lock _lock = new();

    public void Set()
    {
        lock (_lock)
        {
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
