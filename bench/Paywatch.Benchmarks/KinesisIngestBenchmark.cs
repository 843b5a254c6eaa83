using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text;
using Paywatch.Aws.TestSupport;
using Paywatch.Local.Api;
using Paywatch.Local.Streams;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The Kinesis twin's ingest with durability on (every acknowledgement after fsync): sustained records per second
/// through <see cref="DurableStream"/> directly and through PutRecords over HTTP, then PutRecords latency percentiles
/// at a paced 5,000 records per second; then the same PutRecords load against kinesalite (npm, in-memory), the
/// Kinesis emulator most local stacks use, in the same run. Not BenchmarkDotNet: what is measured is a server
/// under concurrent load.
/// </summary>
internal static class KinesisIngestBenchmark
{
    private const string StreamName = "transaction-stream-local";
    private const int Senders = 8;

    public static async Task RunAsync(double seconds)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        var transactions = new TrafficGenerator(seed: 7).Generate(5000).ToList();
        Console.WriteLine($"{Environment.ProcessorCount} cores; {transactions.Average(t => t.Utf8Json.Length):F0}-byte transactions; {Senders} concurrent senders; {seconds:F0} s per run; fsync before every acknowledgement.");

        var folder = Path.Combine(Path.GetTempPath(), "paywatch-kinesis-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var stream = DurableStream.Open(new DurableStreamOptions(StreamName, Path.Combine(folder, "direct"))))
            {
                var batches = Enumerable.Range(0, 10).Select(b => transactions.Skip(b * 500).Take(500).Select(t => new PutRecordEntry(t.PartitionKey, t.Utf8Json)).ToList()).ToList();
                var direct = await SustainedAsync(duration, async (sender, i) => (await stream.PutRecordsAsync(batches[(sender + i) % batches.Count])).Count);
                Console.WriteLine($"DurableStream.PutRecordsAsync (in process, 500 per call): {direct:N0} records/s");
            }

            await using (var stream = DurableStream.Open(new DurableStreamOptions(StreamName, Path.Combine(folder, "http"))))
            await using (var server = await AwsApiServer.StartAsync(0, [new KinesisService([stream])]))
            {
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Senders * 2 });
                var bodies = Enumerable.Range(0, 10).Select(b => PutRecordsBody(transactions.Skip(b * 500).Take(500))).ToList();
                var overHttp = await SustainedAsync(duration, async (sender, i) => await PutRecordsAsync(http, server.Url, bodies[(sender + i) % bodies.Count]));
                Console.WriteLine($"PutRecords over HTTP (500 per request): {overHttp:N0} records/s");

                var paced = Enumerable.Range(0, 50).Select(b => PutRecordsBody(transactions.Skip(b * 100).Take(100))).ToList();
                var latencies = await PacedAsync(http, server.Url, paced, duration);
                latencies.Sort();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"PutRecords at 5,000 records/s (100 per request, 50 requests/s, {latencies.Count} requests): p50 {Percentile(latencies, 0.50):F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        await KinesaliteAsync(duration, transactions);
    }

    /// <summary>The same HTTP load against kinesalite (no durability: it keeps records in memory).</summary>
    private static async Task KinesaliteAsync(TimeSpan duration, List<GeneratedTransaction> transactions)
    {
        var root = Repository.Root;
        var folder = Path.Combine(root, "bench", "kinesalite");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "kinesalite")))
        {
            using var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error"]))!;
            await install.WaitForExitAsync();
        }

        var port = FreePort();
        using var kinesalite = Process.Start(new ProcessStartInfo("node", [Path.Combine(folder, "node_modules", "kinesalite", "cli.js"), "--port", port.ToString(CultureInfo.InvariantCulture), "--createStreamMs", "0", "--shardLimit", "50"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            await kinesalite.StandardOutput.ReadLineAsync(); // "Listening at ..."
            var url = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Senders * 2 });
            await CallAsync(http, url, "CreateStream", Encoding.UTF8.GetBytes($$"""{"StreamName":"{{StreamName}}","ShardCount":5}"""));
            var bodies = Enumerable.Range(0, 10).Select(b => PutRecordsBody(transactions.Skip(b * 500).Take(500))).ToList();
            var overHttp = await SustainedAsync(duration, async (sender, i) => await PutRecordsAsync(http, url, bodies[(sender + i) % bodies.Count]));
            Console.WriteLine($"kinesalite 3.3.3 (in memory), PutRecords over HTTP (500 per request): {overHttp:N0} records/s");
            var paced = Enumerable.Range(0, 50).Select(b => PutRecordsBody(transactions.Skip(b * 100).Take(100))).ToList();
            var latencies = await PacedAsync(http, url, paced, duration);
            latencies.Sort();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"kinesalite, PutRecords at 5,000 records/s ({latencies.Count} requests): p50 {Percentile(latencies, 0.50):F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms"));
        }
        finally
        {
            kinesalite.Kill(entireProcessTree: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <returns>Records acknowledged per second, over all senders.</returns>
    private static async Task<double> SustainedAsync(TimeSpan duration, Func<int, int, Task<int>> send)
    {
        // A short warm-up so JIT and connection set-up are not measured.
        await send(0, 0);
        long records = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                Interlocked.Add(ref records, await send(sender, i));
            }
        })));
        return records / clock.Elapsed.TotalSeconds;
    }

    private static async Task<List<double>> PacedAsync(HttpClient http, Uri url, List<byte[]> bodies, TimeSpan duration)
    {
        var latencies = new List<double>();
        var pending = new List<Task>();
        var interval = TimeSpan.FromMilliseconds(20);
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var body = bodies[i % bodies.Count];
            pending.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                await PutRecordsAsync(http, url, body);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }));
        }

        await Task.WhenAll(pending);
        return latencies;
    }

    private static async Task<int> PutRecordsAsync(HttpClient http, Uri url, byte[] body)
    {
        using var document = JsonDocument.Parse(await CallAsync(http, url, "PutRecords", body));
        var root = document.RootElement;
        return root.GetProperty("Records").GetArrayLength() - root.GetProperty("FailedRecordCount").GetInt32();
    }

    private static async Task<byte[]> CallAsync(HttpClient http, Uri url, string operation, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-Amz-Target", "Kinesis_20131202." + operation);
        // Neither server checks the signature, but kinesalite wants one to be there, as Kinesis does.
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static byte[] PutRecordsBody(IEnumerable<GeneratedTransaction> transactions)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamName", StreamName);
            writer.WriteStartArray("Records");
            foreach (var transaction in transactions)
            {
                writer.WriteStartObject();
                writer.WriteBase64String("Data", transaction.Utf8Json);
                writer.WriteString("PartitionKey", transaction.PartitionKey);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
