using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using HdrHistogram;
using Paywatch.Aws.Kinesis;

namespace Paywatch.Cli.Commands;

/// <summary>How much to send: a count or a duration, at a rate (0: as fast as acknowledged).</summary>
internal sealed record SendPlan(int? Count, TimeSpan? Duration, int RecordsPerSecond);

/// <summary>
/// Sends records with PutRecords at a steady rate: each call carries the records due since the last one (at most
/// 500), with a bounded number of calls in flight, and draws a progress bar on a terminal. Its memory is bounded however
/// long it runs (<c>paywatch up --demo</c> runs for days): latencies go to a histogram, and only the calls in flight are held.
/// </summary>
internal sealed class TrafficSender(KinesisPutRecordsClient client, SendPlan plan, int concurrency, CliConsole console)
{
    /// <summary>Call latencies in microseconds, to three significant digits, up to an hour.</summary>
    private readonly LongHistogram _latencies = new(TimeSpan.FromHours(1).Ticks / TimeSpan.TicksPerMicrosecond, 3);
    private readonly ConcurrentDictionary<string, long> _failureCauses = new(StringComparer.Ordinal);
    private long _acknowledged;
    private long _failed;
    private long _retried;
    private long _requests;

    public async Task<SendReport> RunAsync(IEnumerable<KinesisRecord> records, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(concurrency);
        var calls = new List<Task>(concurrency + 1);
        var stopwatch = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var sent = 0L;
        using var source = records.GetEnumerator();
        while (!cancellationToken.IsCancellationRequested && !Finished(sent, stopwatch.Elapsed))
        {
            var due = plan.RecordsPerSecond == 0
                ? KinesisPutRecordsClient.MaxRecordsPerRequest
                : (long)(stopwatch.Elapsed.TotalSeconds * plan.RecordsPerSecond) - sent;
            if (due < 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, 1000.0 / plan.RecordsPerSecond)), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var take = (int)Math.Min(Math.Min(due, KinesisPutRecordsClient.MaxRecordsPerRequest), plan.Count is { } count ? count - sent : int.MaxValue);
            var batch = new List<KinesisRecord>(take);
            while (batch.Count < take && source.MoveNext())
            {
                batch.Add(source.Current);
            }

            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            // Calls done well are let go; a failed one is kept, for WhenAll below to throw.
            calls.RemoveAll(call => call.IsCompletedSuccessfully);
            calls.Add(SendAsync(batch, inFlight, cancellationToken));
            sent += batch.Count;
            if (console.ErrorIsTerminal && stopwatch.Elapsed - lastProgress > TimeSpan.FromMilliseconds(250))
            {
                lastProgress = stopwatch.Elapsed;
                await console.Error.WriteAsync(Progress(sent, stopwatch.Elapsed)).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        if (console.ErrorIsTerminal)
        {
            await console.Error.WriteLineAsync(Progress(sent, stopwatch.Elapsed)).ConfigureAwait(false);
        }

        return SendReport.Create(sent, _acknowledged, _failed, _retried, _requests, stopwatch.Elapsed, _latencies)
            with { FailureCauses = new SortedDictionary<string, long>(_failureCauses, StringComparer.Ordinal) };
    }

    /// <summary>A record's error code, with the request's message and HTTP status when the whole request failed with it.</summary>
    private static string Cause(string errorCode, Paywatch.Aws.Json11.AwsJsonError? requestError) => requestError is { } e && e.Type == errorCode
        ? e.StatusCode > 0 ? $"{e.Type} (HTTP {e.StatusCode}): {e.Message}" : $"{e.Type}: {e.Message}"
        : errorCode;

    private bool Finished(long sent, TimeSpan elapsed) =>
        plan.Count is { } count ? sent >= count : elapsed >= plan.Duration!.Value;

    private async Task SendAsync(List<KinesisRecord> batch, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await client.PutRecordsAsync(batch, cancellationToken).ConfigureAwait(false);
            var microseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            lock (_latencies)
            {
                _latencies.RecordValue(Math.Min(microseconds, _latencies.HighestTrackableValue));
            }

            Interlocked.Add(ref _acknowledged, outcome.Acknowledged);
            Interlocked.Add(ref _failed, outcome.Failed.Count);
            foreach (var (_, errorCode) in outcome.Failed)
            {
                _failureCauses.AddOrUpdate(Cause(errorCode, outcome.LastRequestError), 1, (_, n) => n + 1);
            }

            Interlocked.Add(ref _retried, outcome.Retried);
            Interlocked.Add(ref _requests, outcome.Requests);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private string Progress(long sent, TimeSpan elapsed)
    {
        var done = plan.Count is { } count ? (double)sent / Math.Max(1, count) : elapsed / plan.Duration!.Value;
        var filled = (int)Math.Round(Math.Clamp(done, 0, 1) * 30);
        return string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {done:P0}  sent {sent:N0}  acknowledged {Volatile.Read(ref _acknowledged):N0}  failed {Volatile.Read(ref _failed):N0}  {sent / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s ");
    }
}

/// <summary>The final report of <c>paywatch send</c>.</summary>
internal sealed record SendReport(
    long Sent,
    long Acknowledged,
    long Failed,
    long Retried,
    long Requests,
    double Seconds,
    double RecordsPerSecond,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double LatencyMaxMs)
{
    /// <summary>Why records failed: each cause (error code, and the request's message when the whole request failed) with its count.</summary>
    public IReadOnlyDictionary<string, long> FailureCauses { get; init; } = new Dictionary<string, long>();

    /// <param name="latencies">Call latencies in microseconds.</param>
    public static SendReport Create(long sent, long acknowledged, long failed, long retried, long requests, TimeSpan elapsed, HistogramBase latencies)
    {
        double Milliseconds(long microseconds) => latencies.TotalCount == 0 ? 0 : Math.Round(microseconds / 1000.0, 2);
        return new SendReport(sent, acknowledged, failed, retried, requests, Math.Round(elapsed.TotalSeconds, 3),
            Math.Round(acknowledged / Math.Max(elapsed.TotalSeconds, 0.001), 1),
            Milliseconds(latencies.GetValueAtPercentile(50)), Milliseconds(latencies.GetValueAtPercentile(99)), Milliseconds(latencies.GetMaxValue()));
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"paywatch send: {Acknowledged:N0} of {Sent:N0} records acknowledged in {Seconds:N1} s ({RecordsPerSecond:N0}/s), {Failed:N0} failed, {Retried:N0} resent; {Requests:N0} PutRecords calls, latency p50 {LatencyP50Ms:N1} ms, p99 {LatencyP99Ms:N1} ms, max {LatencyMaxMs:N1} ms{Causes()}");

    private string Causes() => FailureCauses.Count == 0 ? ""
        : string.Create(CultureInfo.InvariantCulture, $"; failed because: {string.Join("; ", FailureCauses.Select(c => $"{c.Key} ({c.Value:N0} records)"))}");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SendReport))]
internal sealed partial class SendReportJson : JsonSerializerContext;
