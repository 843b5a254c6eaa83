using Paywatch.Aws.Runtime;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Functions;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>A mapping over a fake stream, a scripted function and a recording DLQ, on a fake clock, in a temporary folder.</summary>
internal sealed class MappingFixture : IAsyncDisposable
{
    public const string Shard0 = "shardId-000000000000";
    public const string Shard1 = "shardId-000000000001";

    public MappingFixture(EventSourceMappingOptions? options = null, LocalFunctionOptions? functionOptions = null, string? directory = null, ILambdaFunction? function = null)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "paywatch-esm-" + Guid.NewGuid().ToString("N"));
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        Source = new FakeShardSource(Time, Shard0, Shard1);
        Options = options ?? Defaults;
        Metrics = new MetricStore(TimeSpan.FromHours(3));
        Host = new LocalFunctionHost(functionOptions ?? new LocalFunctionOptions(), () => function ?? Function, Metrics, Time);
        Mapping = new KinesisEventSourceMapping(Options, Source, Host, Destination, Directory, Time);
    }

    /// <summary>Immediate batches in one lane, no tumbling window, reading from the start: the simplest mapping to reason about.</summary>
    public static EventSourceMappingOptions Defaults { get; } = new()
    {
        MaximumBatchingWindow = TimeSpan.Zero,
        ParallelizationFactor = 1,
        TumblingWindow = TimeSpan.Zero,
        StartingPosition = StartingPosition.TrimHorizon,
    };

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    public FakeShardSource Source { get; }

    public EventSourceMappingOptions Options { get; }

    public MetricStore Metrics { get; }

    public ScriptedFunction Function { get; } = new();

    public RecordingFailureDestination Destination { get; } = new();

    public LocalFunctionHost Host { get; }

    public KinesisEventSourceMapping Mapping { get; private set; }

    /// <summary>Moves the clock on, then lets the mapping do all it can at the new time.</summary>
    public async Task AdvanceAndPollAsync(TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        await Mapping.PollUntilIdleAsync();
    }

    /// <summary>A new mapping on the same folder and stream: a restart.</summary>
    public async Task RestartAsync(ILambdaFunction? function = null)
    {
        await Mapping.DisposeAsync();
        var host = function is null ? Host : new LocalFunctionHost(new LocalFunctionOptions(), () => function, Metrics, Time);
        Mapping = new KinesisEventSourceMapping(Options, Source, host, Destination, Directory, Time);
    }

    public async ValueTask DisposeAsync()
    {
        await Mapping.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
