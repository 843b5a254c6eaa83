namespace Paywatch.Local.Storage;

/// <summary>
/// The one group commit of the data folder's stores (a shard's segments, the topic's outbox): writers stage items, and
/// one thread takes everything staged meanwhile, writes it with one fsync (<c>commit</c>), then makes it visible
/// (<c>committed</c>) and completes every writer's task. One fsync thus serves every writer that staged while the
/// previous one ran, and nothing is acknowledged before it is on disk. Items are committed in the order staged.
/// </summary>
/// <remarks>
/// After a failed commit what reached the file is unknown, and a later write behind torn bytes would be cut off by
/// recovery along with them: every later group fails with the same exception (<see cref="Failure"/>).
/// The loop runs on a thread of its own, not the thread pool's: fsync blocks, and several stores blocking pool threads
/// on two cores would starve the request handlers until the pool grows.
/// </remarks>
/// <typeparam name="T">What a writer stages.</typeparam>
internal sealed class GroupCommit<T> : IDisposable
{
    private readonly Lock _lock = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Action<IReadOnlyList<T>> _commit;
    private readonly Action<IReadOnlyList<T>> _committed;
    private readonly Func<T, long> _weight;
    private readonly long _maxGroupWeight;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<(T Item, TaskCompletionSource Durable)> _staged = new();
    private Task _lastStaged = Task.CompletedTask;
    private IOException? _failure;
    private bool _completing;

    /// <param name="name">The thread's name.</param>
    /// <param name="commit">Writes a group and fsyncs it; an <see cref="IOException"/> fails the group and every later one.</param>
    /// <param name="committed">Runs once a group is durable, before its writers' tasks complete (makes it readable).</param>
    /// <param name="weight">An item's weight (e.g. bytes); a group stops growing past <paramref name="maxGroupWeight"/>.</param>
    public GroupCommit(string name, Action<IReadOnlyList<T>> commit, Action<IReadOnlyList<T>> committed, Func<T, long>? weight = null, long maxGroupWeight = long.MaxValue)
    {
        _commit = commit;
        _committed = committed;
        _weight = weight ?? (_ => 1);
        _maxGroupWeight = maxGroupWeight;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>Why the store stopped writing: the first failed commit; null while every commit has succeeded.</summary>
    public IOException? Failure => Volatile.Read(ref _failure);

    /// <summary>Completes when the loop has committed everything staged before <see cref="Complete"/> and stopped.</summary>
    public Task Stopped => _stopped.Task;

    public void Start() => _thread.Start();

    /// <summary>Stages <paramref name="item"/> for the next group. Call under the lock that orders the items, if any.</summary>
    /// <returns>Completes once the item is durable and committed; faults if it could not be written.</returns>
    /// <exception cref="ObjectDisposedException"><see cref="Complete"/> was called.</exception>
    public Task Stage(T item)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_completing, this);
            _staged.Enqueue((item, durable));
            _lastStaged = durable.Task;
            if (_staged.Count == 1)
            {
                _wake.Set();
            }
        }

        return durable.Task;
    }

    /// <summary>Completes once everything staged before the call is durable (groups commit in order).</summary>
    public Task WhenDurable()
    {
        lock (_lock)
        {
            return _lastStaged;
        }
    }

    /// <summary>Takes no more items; the loop commits what is staged, then stops (<see cref="Stopped"/>). Idempotent.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_completing)
            {
                return;
            }

            _completing = true;
        }

        _wake.Set();
        if (_thread.ThreadState == ThreadState.Unstarted)
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Completes the loop and waits for it to stop.</summary>
    public void Dispose()
    {
        Complete();
        if (Thread.CurrentThread != _thread)
        {
            _stopped.Task.GetAwaiter().GetResult();
        }

        _wake.Dispose();
    }

    private void Run()
    {
        try
        {
            var items = new List<T>();
            var durables = new List<TaskCompletionSource>();
            while (TakeGroup(items, durables))
            {
                CommitGroup(items, durables);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <returns>False once completed and nothing is left.</returns>
    private bool TakeGroup(List<T> items, List<TaskCompletionSource> durables)
    {
        items.Clear();
        durables.Clear();
        while (true)
        {
            lock (_lock)
            {
                long weight = 0;
                while (_staged.Count > 0 && (items.Count == 0 || weight < _maxGroupWeight))
                {
                    var (item, durable) = _staged.Dequeue();
                    items.Add(item);
                    durables.Add(durable);
                    weight += _weight(item);
                }

                if (items.Count > 0)
                {
                    return true;
                }

                if (_completing)
                {
                    return false;
                }
            }

            _wake.WaitOne();
        }
    }

    private void CommitGroup(List<T> items, List<TaskCompletionSource> durables)
    {
        if (_failure is null)
        {
            try
            {
                _commit(items);
            }
            catch (IOException e)
            {
                Volatile.Write(ref _failure, e);
            }
        }

        if (_failure is { } failure)
        {
            foreach (var durable in durables)
            {
                durable.TrySetException(failure);
            }

            return;
        }

        _committed(items);
        foreach (var durable in durables)
        {
            durable.TrySetResult();
        }
    }
}
