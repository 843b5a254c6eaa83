using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Api;

/// <summary>
/// Kinesis Data Streams over the AWS JSON 1.1 protocol (target prefix <c>Kinesis_20131202</c>), for the twin's
/// <see cref="DurableStream"/>s: ListStreams, ListShards, DescribeStream, DescribeStreamSummary, PutRecord, PutRecords,
/// GetShardIterator and GetRecords, with the request and response shapes, limits and errors of the Kinesis API
/// Reference (https://docs.aws.amazon.com/kinesis/latest/APIReference/). Streams are named by StreamName or StreamARN.
/// ListStreamConsumers and DescribeStreamConsumer answer as for a stream with no enhanced fan-out consumers.
/// </summary>
public sealed class KinesisService : AwsService
{
    /// <summary>PutRecords: "Each PutRecords request can support up to 500 records ... up to a limit of 5 MiB for the entire request, including partition keys."</summary>
    public const int MaxPutRecordsEntries = 500;
    public const int MaxPutRecordsBytes = 5 * 1024 * 1024;
    /// <summary>"The maximum size of a data blob (the data payload before base64-encoding) is up to 1 MiB."</summary>
    public const int MaxRecordBytes = 1024 * 1024;
    /// <summary>GetRecords: "each call can return up to 10 MiB of data" and at most 10,000 records.</summary>
    public const int MaxGetRecordsBytes = 10 * 1024 * 1024;
    public const int MaxGetRecordsLimit = 10_000;

    private static readonly string[] ShardLevelMetrics =
    [
        "IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
        "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
    ];

    private readonly SortedDictionary<string, DurableStream> _streams = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <param name="streams">The streams this endpoint serves.</param>
    /// <param name="timeProvider">The clock shard iterators are issued and expire by.</param>
    public KinesisService(IEnumerable<DurableStream> streams, TimeProvider? timeProvider = null)
        : base("Kinesis")
    {
        ArgumentNullException.ThrowIfNull(streams);
        foreach (var stream in streams)
        {
            _streams.Add(stream.StreamName, stream);
        }

        _time = timeProvider ?? TimeProvider.System;
    }

    private protected override async ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(operation, request, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The shard could not make the records durable (a full disk, say): nothing was acknowledged.
            throw new AwsServiceException("The stream could not store the records: " + e.Message, e);
        }
    }

    private async ValueTask<JsonObject> RunAsync(string operation, JsonElement request, CancellationToken cancellationToken) => operation switch
    {
        "ListStreams" => ListStreams(request),
        "ListShards" => ListShards(request),
        "DescribeStream" => new() { ["StreamDescription"] = DescribeStream(request) },
        "DescribeStreamSummary" => new() { ["StreamDescriptionSummary"] = DescribeStreamSummary(ResolveStream(request)) },
        "PutRecord" => await PutRecordAsync(request, cancellationToken).ConfigureAwait(false),
        "PutRecords" => await PutRecordsAsync(request, cancellationToken).ConfigureAwait(false),
        "GetShardIterator" => GetShardIterator(request),
        "GetRecords" => GetRecords(request),
        "ListStreamConsumers" => ListStreamConsumers(request),
        _ => DescribeStreamConsumer(request),
    };

    /// <summary>
    /// ListStreamConsumers (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListStreamConsumers.html): the
    /// twin registers no enhanced fan-out consumers (RegisterStreamConsumer is not served), so every stream has none.
    /// </summary>
    private JsonObject ListStreamConsumers(JsonElement request)
    {
        var arn = AwsJsonBody.String(request, "StreamARN")!;
        _ = _streams.Values.FirstOrDefault(s => s.StreamArn == arn) ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {arn} not found.");
        if (AwsJsonBody.String(request, "NextToken") is { } token)
        {
            // No page ever has a next one, so no token is one the twin issued.
            throw InvalidArgument($"NextToken {token} is not valid: the twin issued no NextToken for this stream's consumers.");
        }

        return new() { ["Consumers"] = new JsonArray() };
    }

    /// <summary>DescribeStreamConsumer: no consumer is registered, so any one named is ResourceNotFoundException, as AWS answers.</summary>
    private JsonObject DescribeStreamConsumer(JsonElement request)
    {
        var consumerArn = AwsJsonBody.String(request, "ConsumerARN");
        var streamArn = AwsJsonBody.String(request, "StreamARN") ?? consumerArn?.Split("/consumer/", 2)[0];
        var consumerName = AwsJsonBody.String(request, "ConsumerName") ?? consumerArn?.Split("/consumer/", 2).ElementAtOrDefault(1)?.Split(':')[0];
        if (streamArn is null || consumerName is null)
        {
            throw InvalidArgument("Either ConsumerARN, or StreamARN and ConsumerName, should be provided.");
        }

        var stream = _streams.Values.FirstOrDefault(s => s.StreamArn == streamArn) ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {streamArn} not found.");
        throw new AwsServiceException("ResourceNotFoundException", $"Consumer {consumerName} under stream {stream.StreamName} under account {stream.Options.AccountId} not found.");
    }

    private JsonObject ListStreams(JsonElement request)
    {
        var start = AwsJsonBody.String(request, "ExclusiveStartStreamName");
        var names = _streams.Keys.Where(n => start is null || string.CompareOrdinal(n, start) > 0).ToList();
        var page = names.Take(AwsJsonBody.Int(request, "Limit") ?? 100).ToList();
        return new()
        {
            ["StreamNames"] = new JsonArray([.. page.Select(n => JsonValue.Create(n))]),
            ["HasMoreStreams"] = names.Count > page.Count,
            ["StreamSummaries"] = new JsonArray([.. page.Select(n => StreamSummary(_streams[n]))]),
        };
    }

    private static JsonObject StreamSummary(DurableStream stream) => new()
    {
        ["StreamName"] = stream.StreamName,
        ["StreamARN"] = stream.StreamArn,
        ["StreamStatus"] = "ACTIVE",
        ["StreamModeDetails"] = new JsonObject { ["StreamMode"] = "PROVISIONED" },
        ["StreamCreationTimestamp"] = stream.CreationTimestamp,
    };

    private JsonObject ListShards(JsonElement request)
    {
        var nextToken = AwsJsonBody.String(request, "NextToken");
        DurableStream stream;
        string? exclusiveStart;
        if (nextToken is not null)
        {
            // "NextToken ... If you specify NextToken, you cannot specify StreamName" (API_ListShards).
            if (AwsJsonBody.String(request, "StreamName") is not null)
            {
                throw InvalidArgument("NextToken and StreamName cannot be provided together.");
            }

            var parts = nextToken.Split('|');
            stream = parts.Length == 2 && _streams.TryGetValue(parts[0], out var found) ? found : throw InvalidArgument("Invalid NextToken.");
            exclusiveStart = parts[1];
        }
        else
        {
            stream = ResolveStream(request);
            exclusiveStart = AwsJsonBody.String(request, "ExclusiveStartShardId");
        }

        var (page, more) = ShardPage(stream, exclusiveStart, AwsJsonBody.Int(request, "MaxResults") ?? 1000);
        return new() { ["Shards"] = Shards(stream, page), ["NextToken"] = more ? $"{stream.StreamName}|{page[^1]}" : null };
    }

    private static (List<string> Page, bool More) ShardPage(DurableStream stream, string? exclusiveStart, int size)
    {
        var shards = stream.ShardIds.Where(id => exclusiveStart is null || string.CompareOrdinal(id, exclusiveStart) > 0).ToList();
        var page = shards.Take(size).ToList();
        return (page, shards.Count > page.Count);
    }

    private JsonObject DescribeStream(JsonElement request)
    {
        var stream = ResolveStream(request);
        var (page, more) = ShardPage(stream, AwsJsonBody.String(request, "ExclusiveStartShardId"), AwsJsonBody.Int(request, "Limit") ?? 100);
        var description = StreamHeader(stream);
        description["Shards"] = Shards(stream, page);
        description["HasMoreShards"] = more;
        return description;
    }

    private static JsonObject DescribeStreamSummary(DurableStream stream)
    {
        var summary = StreamHeader(stream);
        summary["OpenShardCount"] = stream.ShardIds.Count;
        summary["ConsumerCount"] = 0;
        return summary;
    }

    private async Task<JsonObject> PutRecordAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var stream = ResolveStream(request);
        var entry = ReadEntry(request, "");
        if (entry.Size > MaxRecordBytes)
        {
            throw InvalidArgument($"Record size exceeds 1 MB limit: {entry.Size} bytes with partition key.");
        }

        var result = await stream.PutRecordAsync(entry, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? new() { ["ShardId"] = result.ShardId, ["SequenceNumber"] = Text(result.SequenceNumber!.Value), ["EncryptionType"] = "NONE" }
            : throw new AwsServiceException(result.ErrorCode!, result.ErrorMessage!);
    }

    private async Task<JsonObject> PutRecordsAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var stream = ResolveStream(request);
        var entries = request.GetProperty("Records").EnumerateArray().Select((element, i) => ReadEntry(element, $"records.{i + 1}.member.")).ToList();
        var total = entries.Sum(e => (long)e.Size);
        if (total > MaxPutRecordsBytes)
        {
            throw InvalidArgument($"Records size exceeds 5 MB limit: {total} bytes with partition keys.");
        }

        var results = await stream.PutRecordsAsync(entries, cancellationToken).ConfigureAwait(false);
        return new()
        {
            ["FailedRecordCount"] = results.Count(r => !r.Succeeded),
            ["Records"] = new JsonArray([.. results.Select(r => r.Succeeded
                ? new JsonObject { ["SequenceNumber"] = Text(r.SequenceNumber!.Value), ["ShardId"] = r.ShardId }
                : new JsonObject { ["ErrorCode"] = r.ErrorCode, ["ErrorMessage"] = r.ErrorMessage })]),
            ["EncryptionType"] = "NONE",
        };
    }

    private JsonObject GetShardIterator(JsonElement request)
    {
        var stream = ResolveStream(request);
        var shardId = AwsJsonBody.String(request, "ShardId")!;
        if (!stream.HasShard(shardId))
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Shard {shardId} in stream {stream.StreamName} under account {stream.Options.AccountId} does not exist");
        }

        // The model has refused any other type.
        var type = AwsJsonBody.String(request, "ShardIteratorType")!;
        UInt128? after = type switch
        {
            "TRIM_HORIZON" => null,
            "LATEST" => stream.LatestSequenceNumber(shardId),
            "AT_SEQUENCE_NUMBER" => StartingSequenceNumber(request, stream, shardId, type) - 1,
            "AFTER_SEQUENCE_NUMBER" => StartingSequenceNumber(request, stream, shardId, type),
            _ => stream.PositionAt(shardId, AwsJsonBody.Time(request, "Timestamp") ?? throw InvalidArgument("Timestamp must be specified for shard iterator type AT_TIMESTAMP.")),
        };
        return new() { ["ShardIterator"] = new ShardIterator(stream.StreamName, shardId, after, _time.GetUtcNow()).Encode() };
    }

    private JsonObject GetRecords(JsonElement request)
    {
        var iterator = ShardIterator.Decode(AwsJsonBody.String(request, "ShardIterator")!) ?? throw InvalidArgument($"Invalid ShardIterator.");
        if (!_streams.TryGetValue(iterator.StreamName, out var stream) || !stream.HasShard(iterator.ShardId))
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Shard {iterator.ShardId} in stream {iterator.StreamName} under account {_streams.Values.FirstOrDefault()?.Options.AccountId} does not exist");
        }

        var now = _time.GetUtcNow();
        if (now - iterator.Issued > ShardIterator.Lifetime)
        {
            throw new AwsServiceException(
                "ExpiredIteratorException",
                $"Iterator expired. The iterator was created at time {JavaDate(iterator.Issued)} while right now it is {JavaDate(now)} which is further in the future than the tolerated delay of {(long)ShardIterator.Lifetime.TotalMilliseconds} milliseconds.");
        }

        var records = stream.Read(iterator.ShardId, iterator.After, AwsJsonBody.Int(request, "Limit") ?? MaxGetRecordsLimit, MaxGetRecordsBytes);
        var last = records.Count > 0 ? records[^1] : null;
        // "A value of zero indicates that record processing is caught up": behind only when records remain after the last returned.
        var behind = last is not null && last.SequenceNumber != stream.LatestSequenceNumber(iterator.ShardId)
            ? now - last.ApproximateArrivalTimestamp
            : TimeSpan.Zero;
        stream.RecordRead(iterator.ShardId, records.Count, records.Sum(r => (long)r.Data.Length), last is null ? TimeSpan.Zero : now - last.ApproximateArrivalTimestamp);
        return new()
        {
            ["Records"] = new JsonArray([.. records.Select(record => new JsonObject
            {
                ["SequenceNumber"] = Text(record.SequenceNumber),
                ["ApproximateArrivalTimestamp"] = record.ApproximateArrivalTimestamp,
                ["Data"] = Convert.ToBase64String(record.Data.Span),
                ["PartitionKey"] = record.PartitionKey,
            })]),
            ["NextShardIterator"] = (iterator with { After = last?.SequenceNumber ?? iterator.After, Issued = now }).Encode(),
            ["MillisBehindLatest"] = Math.Max(0, (long)behind.TotalMilliseconds),
        };
    }

    private static UInt128 StartingSequenceNumber(JsonElement request, DurableStream stream, string shardId, string type)
    {
        var text = AwsJsonBody.String(request, "StartingSequenceNumber")
            ?? throw InvalidArgument($"StartingSequenceNumber must be specified for shard iterator type {type}.");
        if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequenceNumber))
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value '{text}' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{{0,128}})");
        }

        if (!stream.IsSequenceNumberOfShard(shardId, sequenceNumber))
        {
            var owner = stream.ShardIds.FirstOrDefault(id => stream.IsSequenceNumberOfShard(id, sequenceNumber));
            throw InvalidArgument(owner is null
                ? $"StartingSequenceNumber {text} used in GetShardIterator on shard {shardId} in stream {stream.StreamName} under account {stream.Options.AccountId} is invalid because it did not come from this stream."
                : $"Invalid StartingSequenceNumber. It encodes {owner}, while it was used in a call to a shard with {shardId}");
        }

        return sequenceNumber;
    }

    // The model has checked PartitionKey (1-256 characters) and that Data is present.
    private static PutRecordEntry ReadEntry(JsonElement element, string path)
    {
        if (!element.GetProperty("Data").TryGetBytesFromBase64(out var data))
        {
            throw new AwsServiceException("SerializationException", "Data is not a valid base64 string.");
        }

        // The model allows 10 MiB, what a stream's maximum record size can be raised to; the twin's streams keep the
        // default, 1 MiB (https://docs.aws.amazon.com/streams/latest/dev/large-records.html).
        if (data.Length > MaxRecordBytes)
        {
            throw ShapeValidator.ConstraintError([new ShapeViolation(
                $"{path}data", ShapeViolation.ByteBufferValue(data.Length), $"Member must have length less than or equal to {MaxRecordBytes}", ShapeViolationKind.Constraint)]);
        }

        UInt128? explicitHashKey = null;
        if (AwsJsonBody.String(element, "ExplicitHashKey") is { } hashKey)
        {
            // The model's pattern, 0|([1-9]\d{0,38}), has refused anything but a decimal number; beyond 2^128 - 1 is an invalid argument.
            explicitHashKey = UInt128.TryParse(hashKey, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw InvalidArgument($"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {hashKey}");
        }

        return new PutRecordEntry(AwsJsonBody.String(element, "PartitionKey")!, data, explicitHashKey);
    }

    private DurableStream ResolveStream(JsonElement request)
    {
        var name = AwsJsonBody.String(request, "StreamName");
        var arn = AwsJsonBody.String(request, "StreamARN");
        if (arn is not null)
        {
            var stream = _streams.Values.FirstOrDefault(s => s.StreamArn == arn)
                ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {arn} not found.");
            return name is null || name == stream.StreamName ? stream : throw InvalidArgument($"StreamARN {arn} and StreamName {name} do not name the same stream.");
        }

        return name is null
            ? throw InvalidArgument("Either StreamName or StreamARN should be provided.")
            : _streams.TryGetValue(name, out var named)
                ? named
                : throw new AwsServiceException("ResourceNotFoundException", $"Stream {name} under account {_streams.Values.FirstOrDefault()?.Options.AccountId ?? "000000000000"} not found.");
    }

    private static JsonObject StreamHeader(DurableStream stream)
    {
        var header = StreamSummary(stream);
        header["RetentionPeriodHours"] = (int)stream.Options.Retention.TotalHours;
        header["EnhancedMonitoring"] = new JsonArray(new JsonObject { ["ShardLevelMetrics"] = new JsonArray([.. ShardLevelMetrics.Select(m => JsonValue.Create(m))]) });
        // The twin does not encrypt at rest; AWS would say KMS for the Terraform's stream.
        header["EncryptionType"] = "NONE";
        return header;
    }

    private static JsonArray Shards(DurableStream stream, IEnumerable<string> shardIds) => new([.. shardIds.Select(shardId =>
    {
        var (range, starting) = stream.DescribeShard(shardId);
        return new JsonObject
        {
            ["ShardId"] = shardId,
            ["HashKeyRange"] = new JsonObject { ["StartingHashKey"] = Text(range.StartingHashKey), ["EndingHashKey"] = Text(range.EndingHashKey) },
            ["SequenceNumberRange"] = new JsonObject { ["StartingSequenceNumber"] = Text(starting) },
        };
    })]);

    /// <summary>Sequence numbers and hash keys are decimal strings on the wire.</summary>
    private static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Times in Kinesis's ExpiredIteratorException message are Java's <c>Date.toString()</c>.</summary>
    private static string JavaDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    private static AwsServiceException InvalidArgument(string message) => new("InvalidArgumentException", message);
}
