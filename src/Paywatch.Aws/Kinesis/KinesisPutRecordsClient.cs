using System.Text.Json;
using Paywatch.Aws.Endpoints;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.Kinesis;

/// <summary>
/// Kinesis <c>PutRecords</c> over JSON 1.1 (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html):
/// requests of at most 500 records and 5 MiB (data and partition keys), and the records a response refuses
/// (<c>ProvisionedThroughputExceededException</c>, <c>InternalFailure</c>) sent again with full-jitter backoff,
/// as the API reference advises, until the attempt limit.
/// </summary>
public sealed class KinesisPutRecordsClient
{
    public const string TargetPrefix = "Kinesis_20131202";
    public const string SigningName = "kinesis";
    public const int MaxRecordsPerRequest = 500;
    public const int MaxRequestBytes = 5 * 1024 * 1024;

    private readonly AwsJsonClient _client;
    private readonly string _streamName;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;

    public KinesisPutRecordsClient(AwsJsonClient client, string streamName, TimeProvider? time = null, Func<double>? random = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        ArgumentException.ThrowIfNullOrWhiteSpace(streamName);
        _streamName = streamName;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
    }

    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A client for <paramref name="endpoint"/>, or the endpoint the environment names (<c>AWS_ENDPOINT_URL_KINESIS</c>, <c>AWS_ENDPOINT_URL</c>, else Kinesis's own).</summary>
    public static KinesisPutRecordsClient Create(HttpClient http, AwsCredentials credentials, string region, string streamName, Uri? endpoint = null, Func<string, string?>? environment = null)
    {
        var resolved = endpoint ?? AwsEndpointResolver.Resolve("Kinesis", "kinesis", region, environment);
        return new KinesisPutRecordsClient(new AwsJsonClient(http, new SigV4Signer(credentials, region, SigningName), resolved, TargetPrefix), streamName);
    }

    /// <summary>Sends <paramref name="records"/> (at most 500, 5 MiB); records still refused after the retries are reported, not thrown.</summary>
    /// <exception cref="AwsRequestException">The whole request failed with an error a retry cannot cure (no such stream, bad credentials).</exception>
    public async Task<PutRecordsOutcome> PutRecordsAsync(IReadOnlyList<KinesisRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(records.Count, MaxRecordsPerRequest);
        if (RequestBytes(records) > MaxRequestBytes)
        {
            throw new ArgumentException($"PutRecords takes at most {MaxRequestBytes:N0} bytes of data and partition keys per request.", nameof(records));
        }

        var pending = Enumerable.Range(0, records.Count).ToList();
        var lastErrors = new Dictionary<int, string>();
        int acknowledged = 0, retried = 0, requests = 0;
        AwsJsonError? lastRequestError = null;
        for (var attempt = 1; pending.Count > 0 && attempt <= MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                retried += pending.Count;
                await Task.Delay(RetryBackoff.Delay(attempt - 1, BaseDelay, MaxDelay, _random()), _time, cancellationToken).ConfigureAwait(false);
            }

            requests++;
            var response = await _client.SendAsync("PutRecords", WriteRequest(records, pending), cancellationToken).ConfigureAwait(false);
            if (response.Error is { } error)
            {
                if (!error.IsRetryable)
                {
                    throw new AwsRequestException(error.Type, error.Message, error.StatusCode);
                }

                pending.ForEach(i => lastErrors[i] = error.Type);
                lastRequestError = error;
                continue;
            }

            var still = new List<int>();
            var results = JsonDocument.Parse(response.Body).RootElement.GetProperty("Records");
            var n = 0;
            foreach (var result in results.EnumerateArray())
            {
                var index = pending[n++];
                if (result.TryGetProperty("ErrorCode", out var code) && code.GetString() is { Length: > 0 } errorCode)
                {
                    still.Add(index);
                    lastErrors[index] = errorCode;
                }
                else
                {
                    acknowledged++;
                }
            }

            pending = still;
        }

        return new PutRecordsOutcome(acknowledged, [.. pending.Select(i => (i, lastErrors.GetValueOrDefault(i, "Unknown")))], retried, requests)
        {
            LastRequestError = lastRequestError,
        };
    }

    /// <summary>What counts towards the 5 MiB request limit: each record's data and partition key.</summary>
    public static long RequestBytes(IReadOnlyList<KinesisRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Data.Length + System.Text.Encoding.UTF8.GetByteCount(record.PartitionKey);
        }

        return bytes;
    }

    private byte[] WriteRequest(IReadOnlyList<KinesisRecord> records, List<int> indexes)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamName"u8, _streamName);
            writer.WriteStartArray("Records"u8);
            foreach (var index in indexes)
            {
                writer.WriteStartObject();
                writer.WriteBase64String("Data"u8, records[index].Data.Span);
                writer.WriteString("PartitionKey"u8, records[index].PartitionKey);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
