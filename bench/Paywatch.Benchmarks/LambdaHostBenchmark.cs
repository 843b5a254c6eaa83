using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
/// signature (both in this process, on the same two cores), with X-Ray segments sent to a UDP socket nobody
/// reads: the function's own work for a real invocation, without the network and without the daemon's.
/// </remarks>
internal static class LambdaHostBenchmark
{
    private static readonly AwsCredentials Role = new("ASIAQEXAMPLEROLE0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE");

    public static async Task RunAsync(int runs)
    {
        Console.WriteLine("Publishing the bootstrap binary with Native AOT and as a JIT build ...");
        var aot = BootstrapBuild.PublishAot("bench-lambda-aot").Binary;
        // The trace modes side by side (PAYWATCH_TRACE_MODE); no daemon address means no exporter and no spans at all.
        var variants = new (string Name, string Binary, string? TraceMode, long Bytes)[]
        {
            ("AOT, trace per invocation", aot, "invocation", 0),
            ("AOT, trace per transaction", aot, "transaction", 0),
            ("AOT, tracing off", aot, null, 0),
            ("JIT, trace per invocation", BootstrapBuild.PublishJit("bench-lambda-jit"), "invocation", 0),
        };
        for (var i = 0; i < variants.Length; i++)
        {
            // AOT: the one file the image holds. JIT: the app's files, without the shared .NET runtime it also needs.
            var folder = Path.GetDirectoryName(variants[i].Binary)!;
            variants[i].Bytes = variants[i].Binary == aot
                ? new FileInfo(variants[i].Binary).Length
                : Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        }

        var batch = KinesisEvents.Build(new TrafficGenerator(seed: 7).Generate(10_000).Select(t => t.Utf8Json), DateTimeOffset.UtcNow);
        var samples = KinesisEvents.Build(KinesisEvents.SpecSamples, DateTimeOffset.UtcNow);
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {runs} runs per variant; 10,000-record event: {batch.Length / 1024.0 / 1024.0:F2} MiB");
        Console.WriteLine();
        Console.WriteLine("| variant | size on disk | cold start, median (min–max) | 10,000-record batch, median (min–max) | peak RSS after the batches |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, binary, xray, bytes) in variants)
        {
            var coldStarts = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                coldStarts.Add(await ColdStartAsync(binary, xray, samples));
            }

            var (batches, peakRss) = await BatchesAsync(binary, xray, batch, samples, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {bytes / 1024.0 / 1024.0:F1} MiB | {Describe(coldStarts)} | {Describe(batches)} | {peakRss / 1024.0 / 1024.0:F1} MiB |"));
        }
    }

    /// <summary>Process start to the first response: the spec's three samples, routed and published.</summary>
    private static async Task<double> ColdStartAsync(string binary, string? xray, byte[] samples)
    {
        await using var rig = await Rig.StartAsync();
        var outcome = rig.Api.Invoke(samples, TimeSpan.FromSeconds(30));
        var started = Stopwatch.GetTimestamp();
        using var process = rig.Start(binary, xray);
        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return result.IsError ? throw new InvalidOperationException($"the invocation failed: {System.Text.Encoding.UTF8.GetString(result.Body)}") : elapsed;
    }

    /// <summary>One process, warmed with the samples, then <paramref name="runs"/> 10,000-record batches.</summary>
    private static async Task<(List<double> Milliseconds, long PeakRss)> BatchesAsync(string binary, string? xray, byte[] batch, byte[] samples, int runs)
    {
        await using var rig = await Rig.StartAsync();
        using var process = rig.Start(binary, xray);
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
        private readonly Socket _daemon;

        private Rig(RuntimeApiEmulator api, PutEventsTestEndpoint eventBridge, Socket daemon)
        {
            Api = api;
            _eventBridge = eventBridge;
            _daemon = daemon;
        }

        public RuntimeApiEmulator Api { get; }

        public static async Task<Rig> StartAsync()
        {
            // The daemon's place: a bound UDP socket that is never read, so its receive work is not measured.
            var daemon = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            daemon.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return new(await RuntimeApiEmulator.StartAsync(), await PutEventsTestEndpoint.StartAsync(Role, "eu-west-1"), daemon);
        }

        /// <param name="traceMode">PAYWATCH_TRACE_MODE, with the daemon's address; null: no daemon, so no tracing.</param>
        public BootstrapProcess Start(string binary, string? traceMode)
        {
            var environment = new Dictionary<string, string?>(_eventBridge.Environment().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            {
                ["AWS_LAMBDA_RUNTIME_API"] = Api.Endpoint,
                ["AWS_LAMBDA_FUNCTION_NAME"] = "paywatch-processor-bench",
                ["AWS_XRAY_DAEMON_ADDRESS"] = traceMode is null ? null : _daemon.LocalEndPoint!.ToString(),
                ["PAYWATCH_TRACE_MODE"] = traceMode,
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
