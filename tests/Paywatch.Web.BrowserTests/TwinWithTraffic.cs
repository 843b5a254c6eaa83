using Paywatch.Aws.Runtime;
using System.Text;
using Paywatch.Local;
using Paywatch.Local.Functions;
using Paywatch.Local.Streams;
using Paywatch.Local.Tests;
using Paywatch.Local.Tests.Twin;
using Paywatch.Traffic;

namespace Paywatch.Web.BrowserTests;

/// <summary>
/// A running twin with the web UI on a fake clock, fed generated traffic a minute at a time, whose processor can be
/// made to fail (an error burst) and recover.
/// </summary>
internal sealed class TwinWithTraffic : IAsyncDisposable
{
    /// <summary>A card number (Visa's test PAN) some records carry: it must never reach the browser unmasked.</summary>
    public const string Pan = "4111111111111111";

    private readonly TemporaryDirectory _folder;
    private readonly TrafficGenerator _traffic;
    private readonly SwitchableFunction _function;

    private TwinWithTraffic(TemporaryDirectory folder, SteppedClock clock, LocalTwin twin, SwitchableFunction function)
    {
        _folder = folder;
        Clock = clock;
        Twin = twin;
        _function = function;
        _traffic = new TrafficGenerator(seed: 8, start: clock.Now);
    }

    public SteppedClock Clock { get; }

    public LocalTwin Twin { get; }

    public Uri Url => Twin.Api.Url;

    /// <param name="reservedConcurrency">1 makes the five shards' invocations throttle one another, so Throttles has data.</param>
    public static async Task<TwinWithTraffic> StartAsync(DateTimeOffset start, int reservedConcurrency = 1)
    {
        var folder = new TemporaryDirectory();
        var clock = new SteppedClock(start);
        var switchable = new SwitchableFunction();
        var settings = new LocalTwinSettings { DataDirectory = folder.Path, Port = 0, ReservedConcurrency = reservedConcurrency };
        var twin = await LocalTwin.StartAsync(
            settings,
            RepositoryRoot.Config,
            [],
            clock.Time,
            switchable.Wrap,
            (app, t) => WebUi.Map(app, t, RepositoryRoot.Config));
        // The processing latency alarm judges this clock's time: every invocation ends before it moves.
        clock.Settled = () => twin.Mapping.IsIdle;
        return new TwinWithTraffic(folder, clock, twin, switchable);
    }

    /// <summary>Every invocation fails from now on (true), or runs the processor again (false).</summary>
    public bool Failing
    {
        get => _function.Failing;
        set => _function.Failing = value;
    }

    /// <summary>
    /// At second 10 of the current minute, puts <paramref name="count"/> generated transactions and two carrying a card
    /// number, then moves the clock until the mapping has finished them all (processed, or given up on to the DLQ).
    /// </summary>
    /// <param name="spread">
    /// By their own partition keys, over every shard at once, with the first invocation held until another has been
    /// throttled (with reserved concurrency 1, one always is); false puts them all under one key, so one shard's lane
    /// takes them in turn, unthrottled.
    /// </param>
    public async Task SendMinuteAsync(int count, bool spread = false)
    {
        var at = new DateTimeOffset(Clock.Now.Year, Clock.Now.Month, Clock.Now.Day, Clock.Now.Hour, Clock.Now.Minute, 10, TimeSpan.Zero);
        if (Clock.Now < at)
        {
            await Clock.AdvanceToAsync(at);
        }

        var entries = _traffic.Generate(count).Select(t => new PutRecordEntry(spread ? t.PartitionKey : "steady", t.Utf8Json)).ToList();
        for (var i = 0; i < 2; i++)
        {
            var id = $"txn-pan-{Clock.Now:HHmm}-{i}";
            var json = $$"""{"transaction_id":"{{id}}","amount":125.5,"type":"PURCHASE","merchant_id":"merch-9","merchant_country":"US","card_id":"card-pan-{{i}}","card_number":"{{Pan}}"}""";
            entries.Add(new PutRecordEntry(spread ? id : "steady", Encoding.UTF8.GetBytes(json)));
        }

        var completed = Twin.Mapping.RecordsCompleted + Twin.Mapping.RecordsDiscarded + entries.Count;
        if (spread)
        {
            _function.Hold();
        }

        var results = await Twin.Stream.PutRecordsAsync(entries);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ErrorMessage));
        if (spread)
        {
            var throttles = Twin.Function.Throttles;
            await Clock.AdvanceUntilAsync(() => Twin.Function.Throttles > throttles, TimeSpan.FromSeconds(30), "an invocation throttled while another held the only slot");
            _function.Release();
        }

        await Clock.AdvanceUntilAsync(
            () => Twin.Mapping.RecordsCompleted + Twin.Mapping.RecordsDiscarded >= completed,
            TimeSpan.FromSeconds(45),
            $"the {entries.Count} records of {at:HH:mm} finished");
    }

    /// <summary>Moves the clock to the start of the next minute.</summary>
    public Task NextMinuteAsync()
    {
        var now = Clock.Now;
        return Clock.AdvanceToAsync(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1));
    }

    public async ValueTask DisposeAsync()
    {
        await Twin.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>
    /// A switch in front of every execution environment's function: the processor, or an error burst (Lambda's
    /// Unhandled function error on every invocation), or held.
    /// </summary>
    private sealed class SwitchableFunction
    {
        private volatile bool _failing;
        private volatile TaskCompletionSource? _held;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        /// <summary>Invocations wait (holding their concurrency) until <see cref="Release"/>.</summary>
        public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Interlocked.Exchange(ref _held, null)?.TrySetResult();

        public ILambdaFunction Wrap(ILambdaFunction processor) => new Switched(this, processor);

        private sealed class Switched(SwitchableFunction state, ILambdaFunction processor) : ILambdaFunction
        {
            public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
            {
                if (state._held is { } held)
                {
                    await held.Task.WaitAsync(cancellationToken);
                }

                return state._failing ? throw new InvalidOperationException("Injected fault: the function fails.") : await processor.InvokeAsync(invocation, cancellationToken);
            }
        }
    }
}
