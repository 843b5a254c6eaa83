using System.Diagnostics;
using System.Globalization;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The Lambda host as a process, Native AOT against JIT: cold start (process start to the first response posted
/// to the Runtime API) and a 10,000-record batch (invocation queued to response), with peak RSS and size on disk.
/// Not BenchmarkDotNet: what is measured is a whole process, started again for every cold start.
/// </summary>
/// <remarks>
/// Both binaries run against the Runtime API emulator and a PutEvents endpoint on 127.0.0.1 that verifies every
/// signature, with X-Ray segments sent to a UDP listener: the work a real invocation does, minus the network.
/// </remarks>
internal static class LambdaHostBenchmark
{
    private static readonly AwsCredentials Role = new("ASIAQEXAMPLEROLE0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE");

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine("Publishing the bootstrap binary with Native AOT and as a JIT build ...");
        var variants = new (string Name, string Binary, long Bytes)[]
        {
            ("AOT", BootstrapBuild.PublishAot("bench-lambda-aot").Binary, 0),
            ("JIT", BootstrapBuild.PublishJit("bench-lambda-jit"), 0),
        };
        for (var i = 0; i < variants.Length; i++)
        {
            // AOT: the one file the image holds. JIT: the app's files, without the shared .NET runtime it also needs.
            var folder = Path.GetDirectoryName(variants[i].Binary)!;
            variants[i].Bytes = variants[i].Name == "AOT"
                ? new FileInfo(variants[i].Binary).Length
                : Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        }

        var batch = KinesisEvents.Build(new TrafficGenerator(seed: 7).Generate(10_000).Select(t => t.Utf8Json), DateTimeOffset.UtcNow);
        var samples = KinesisEvents.Build(KinesisEvents.SpecSamples, DateTimeOffset.UtcNow);
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {runs} runs per variant; 10,000-record event: {batch.Length / 1024.0 / 1024.0:F2} MiB");
        Console.WriteLine();
        Console.WriteLine("| variant | size on disk | cold start, median (min–max) | 10,000-record batch, median (min–max) | peak RSS after the batches |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, binary, bytes) in variants)
        {
            var coldStarts = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                coldStarts.Add(await ColdStartAsync(binary, samples));
            }

            var (batches, peakRss) = await BatchesAsync(binary, batch, samples, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {bytes / 1024.0 / 1024.0:F1} MiB | {Describe(coldStarts)} | {Describe(batches)} | {peakRss / 1024.0 / 1024.0:F1} MiB |"));
        }
    }

    /// <summary>Process start to the first response: the spec's three samples, routed and published.</summary>
    private static async Task<double> ColdStartAsync(string binary, byte[] samples)
    {
        await using var rig = await Rig.StartAsync();
        var outcome = rig.Api.Invoke(samples, TimeSpan.FromSeconds(30));
        var started = Stopwatch.GetTimestamp();
        using var process = rig.Start(binary);
        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return result.IsError ? throw new InvalidOperationException($"the invocation failed: {System.Text.Encoding.UTF8.GetString(result.Body)}") : elapsed;
    }

    /// <summary>One process, warmed with the samples, then <paramref name="runs"/> 10,000-record batches.</summary>
    private static async Task<(List<double> Milliseconds, long PeakRss)> BatchesAsync(string binary, byte[] batch, byte[] samples, int runs)
    {
        await using var rig = await Rig.StartAsync();
        using var process = rig.Start(binary);
        await rig.Api.Invoke(samples, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(60));
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await rig.Api.Invoke(batch, TimeSpan.FromSeconds(60)).WaitAsync(TimeSpan.FromSeconds(120));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (result.IsError || result.Json.GetProperty("batchItemFailures").GetArrayLength() != 0)
            {
                throw new InvalidOperationException($"the batch did not complete: {System.Text.Encoding.UTF8.GetString(result.Body)}");
            }
        }

        return (times, process.PeakResidentBytes());
    }

    private static string Describe(List<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{median:F1} ms ({sorted[0]:F1}–{sorted[^1]:F1})");
    }

    private sealed class Rig : IAsyncDisposable
    {
        private readonly PutEventsTestEndpoint _eventBridge;
        private readonly XRayDaemonListener _daemon;

        private Rig(RuntimeApiEmulator api, PutEventsTestEndpoint eventBridge, XRayDaemonListener daemon)
        {
            Api = api;
            _eventBridge = eventBridge;
            _daemon = daemon;
        }

        public RuntimeApiEmulator Api { get; }

        public static async Task<Rig> StartAsync() =>
            new(await RuntimeApiEmulator.StartAsync(), await PutEventsTestEndpoint.StartAsync(Role, "eu-west-1"), new XRayDaemonListener());

        public BootstrapProcess Start(string binary)
        {
            var environment = new Dictionary<string, string?>(_eventBridge.Environment().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            {
                ["AWS_LAMBDA_RUNTIME_API"] = Api.Endpoint,
                ["AWS_LAMBDA_FUNCTION_NAME"] = "paywatch-processor-bench",
                ["AWS_XRAY_DAEMON_ADDRESS"] = _daemon.Address,
                ["PAYWATCH_ENVIRONMENT"] = "bench",
                ["PAYWATCH_EVENT_BUS_NAME"] = "paywatch-transactions-bench",
            };
            return new BootstrapProcess(binary, environment);
        }

        public async ValueTask DisposeAsync()
        {
            _daemon.Dispose();
            await _eventBridge.DisposeAsync();
            await Api.DisposeAsync();
        }
    }
}
