using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Api;

/// <summary>
/// Kinesis Data Streams over the AWS JSON 1.1 protocol (target prefix <c>Kinesis_20131202</c>), for the twin's
/// <see cref="DurableStream"/>s: ListStreams, ListShards, DescribeStream, DescribeStreamSummary, PutRecord, PutRecords,
/// GetShardIterator and GetRecords, with the request and response shapes, limits and errors of the Kinesis API
/// Reference (https://docs.aws.amazon.com/kinesis/latest/APIReference/). Streams are named by StreamName or StreamARN.
/// ListStreamConsumers and DescribeStreamConsumer answer as for a stream with no enhanced fan-out consumers.
/// </summary>
public sealed class KinesisService : IAwsJsonService
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
    {
        ArgumentNullException.ThrowIfNull(streams);
        foreach (var stream in streams)
        {
            _streams.Add(stream.StreamName, stream);
        }

        _time = timeProvider ?? TimeProvider.System;
    }

    public string TargetPrefix => "Kinesis_20131202";

    public string JsonVersion => "1.1";

    public async ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        try
        {
            return await HandleOperationAsync(operation, requestBody, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The shard could not make the records durable (a full disk, say): nothing was acknowledged.
            throw new AwsServiceException("The stream could not store the records: " + e.Message, e);
        }
    }

    private async ValueTask<byte[]> HandleOperationAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(requestBody.IsEmpty ? "{}"u8.ToArray() : requestBody, AwsJsonBody.Options);
        var request = document.RootElement;
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            switch (operation)
            {
                case "ListStreams":
                    ListStreams(request, writer);
                    break;
                case "ListShards":
                    ListShards(request, writer);
                    break;
                case "DescribeStream":
                    DescribeStream(request, writer);
                    break;
                case "DescribeStreamSummary":
                    DescribeStreamSummary(request, writer);
                    break;
                case "PutRecord":
                    await PutRecordAsync(request, writer, cancellationToken).ConfigureAwait(false);
                    break;
                case "PutRecords":
                    await PutRecordsAsync(request, writer, cancellationToken).ConfigureAwait(false);
                    break;
                case "GetShardIterator":
                    GetShardIterator(request, writer);
                    break;
                case "GetRecords":
                    GetRecords(request, writer);
                    break;
                case "ListStreamConsumers":
                    ListStreamConsumers(request, writer);
                    break;
                case "DescribeStreamConsumer":
                    DescribeStreamConsumer(request);
                    break;
                default:
                    throw new AwsServiceException("UnknownOperationException", $"The twin's Kinesis does not support {operation}.");
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// ListStreamConsumers (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListStreamConsumers.html): the
    /// twin registers no enhanced fan-out consumers (RegisterStreamConsumer is not served), so every stream has none.
    /// </summary>
    private void ListStreamConsumers(JsonElement request, Utf8JsonWriter writer)
    {
        var arn = OptionalString(request, "StreamARN") ?? throw InvalidArgument("StreamARN is required.");
        _ = OptionalInt(request, "MaxResults", "maxResults", 1, 10_000);
        _ = _streams.Values.FirstOrDefault(s => s.StreamArn == arn) ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {arn} not found.");
        if (OptionalString(request, "NextToken") is { } token)
        {
            // No page ever has a next one, so no token is one the twin issued.
            throw InvalidArgument($"NextToken {token} is not valid: the twin issued no NextToken for this stream's consumers.");
        }

        writer.WriteStartArray("Consumers");
        writer.WriteEndArray();
    }

    /// <summary>DescribeStreamConsumer: no consumer is registered, so any one named is ResourceNotFoundException, as AWS answers.</summary>
    private void DescribeStreamConsumer(JsonElement request)
    {
        var consumerArn = OptionalString(request, "ConsumerARN");
        var streamArn = OptionalString(request, "StreamARN") ?? consumerArn?.Split("/consumer/", 2)[0];
        var consumerName = OptionalString(request, "ConsumerName") ?? consumerArn?.Split("/consumer/", 2).ElementAtOrDefault(1)?.Split(':')[0];
        if (streamArn is null || consumerName is null)
        {
            throw InvalidArgument("Either ConsumerARN, or StreamARN and ConsumerName, should be provided.");
        }

        var stream = _streams.Values.FirstOrDefault(s => s.StreamArn == streamArn) ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {streamArn} not found.");
        throw new AwsServiceException("ResourceNotFoundException", $"Consumer {consumerName} under stream {stream.StreamName} under account {stream.Options.AccountId} not found.");
    }

    private void ListStreams(JsonElement request, Utf8JsonWriter writer)
    {
        var limit = OptionalInt(request, "Limit", "limit", 1, 10_000) ?? 100;
        var start = OptionalString(request, "ExclusiveStartStreamName");
        var names = _streams.Keys.Where(n => start is null || string.CompareOrdinal(n, start) > 0).ToList();
        var page = names.Take(limit).ToList();
        writer.WriteStartArray("StreamNames");
        foreach (var name in page)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("HasMoreStreams", names.Count > page.Count);
        writer.WriteStartArray("StreamSummaries");
        foreach (var name in page)
        {
            var stream = _streams[name];
            writer.WriteStartObject();
            writer.WriteString("StreamName", stream.StreamName);
            writer.WriteString("StreamARN", stream.StreamArn);
            writer.WriteString("StreamStatus", "ACTIVE");
            WriteStreamMode(writer);
            WriteTimestamp(writer, "StreamCreationTimestamp", stream.CreationTimestamp);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private void ListShards(JsonElement request, Utf8JsonWriter writer)
    {
        var nextToken = OptionalString(request, "NextToken");
        DurableStream stream;
        string? exclusiveStart;
        if (nextToken is not null)
        {
            // "NextToken ... If you specify NextToken, you cannot specify StreamName" (API_ListShards).
            if (OptionalString(request, "StreamName") is not null)
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
            exclusiveStart = OptionalString(request, "ExclusiveStartShardId");
        }

        var maxResults = OptionalInt(request, "MaxResults", "maxResults", 1, 10_000) ?? 1000;
        var shards = stream.ShardIds.Where(id => exclusiveStart is null || string.CompareOrdinal(id, exclusiveStart) > 0).ToList();
        var page = shards.Take(maxResults).ToList();
        WriteShards(writer, stream, page);
        if (shards.Count > page.Count)
        {
            writer.WriteString("NextToken", $"{stream.StreamName}|{page[^1]}");
        }
    }

    private void DescribeStream(JsonElement request, Utf8JsonWriter writer)
    {
        var stream = ResolveStream(request);
        var limit = OptionalInt(request, "Limit", "limit", 1, 10_000) ?? 100;
        var start = OptionalString(request, "ExclusiveStartShardId");
        var shards = stream.ShardIds.Where(id => start is null || string.CompareOrdinal(id, start) > 0).ToList();
        var page = shards.Take(limit).ToList();
        writer.WriteStartObject("StreamDescription");
        WriteStreamHeader(writer, stream);
        WriteShards(writer, stream, page);
        writer.WriteBoolean("HasMoreShards", shards.Count > page.Count);
        writer.WriteEndObject();
    }

    private void DescribeStreamSummary(JsonElement request, Utf8JsonWriter writer)
    {
        var stream = ResolveStream(request);
        writer.WriteStartObject("StreamDescriptionSummary");
        WriteStreamHeader(writer, stream);
        writer.WriteNumber("OpenShardCount", stream.ShardIds.Count);
        writer.WriteNumber("ConsumerCount", 0);
        writer.WriteEndObject();
    }

    private async Task PutRecordAsync(JsonElement request, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var stream = ResolveStream(request);
        var entry = ReadEntry(request, "");
        if (entry.Size > MaxRecordBytes)
        {
            throw InvalidArgument($"Record size exceeds 1 MB limit: {entry.Size} bytes with partition key.");
        }

        var result = await stream.PutRecordAsync(entry, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new AwsServiceException(result.ErrorCode!, result.ErrorMessage!);
        }

        writer.WriteString("ShardId", result.ShardId);
        writer.WriteString("SequenceNumber", result.SequenceNumber!.Value.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("EncryptionType", "NONE");
    }

    private async Task PutRecordsAsync(JsonElement request, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var stream = ResolveStream(request);
        if (!request.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw Validation("Value null at 'records' failed to satisfy constraint: Member must not be null");
        }

        var count = records.GetArrayLength();
        if (count is < 1 or > MaxPutRecordsEntries)
        {
            throw Validation($"Value '{count} records' at 'records' failed to satisfy constraint: Member must have length {(count < 1 ? "greater than or equal to 1" : $"less than or equal to {MaxPutRecordsEntries}")}");
        }

        var entries = new List<PutRecordEntry>(count);
        long total = 0;
        var index = 0;
        foreach (var element in records.EnumerateArray())
        {
            var entry = ReadEntry(element, $"records.{++index}.member.");
            total += entry.Size;
            entries.Add(entry);
        }

        if (total > MaxPutRecordsBytes)
        {
            throw InvalidArgument($"Records size exceeds 5 MB limit: {total} bytes with partition keys.");
        }

        var results = await stream.PutRecordsAsync(entries, cancellationToken).ConfigureAwait(false);
        writer.WriteNumber("FailedRecordCount", results.Count(r => !r.Succeeded));
        writer.WriteStartArray("Records");
        foreach (var result in results)
        {
            writer.WriteStartObject();
            if (result.Succeeded)
            {
                writer.WriteString("SequenceNumber", result.SequenceNumber!.Value.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("ShardId", result.ShardId);
            }
            else
            {
                writer.WriteString("ErrorCode", result.ErrorCode);
                writer.WriteString("ErrorMessage", result.ErrorMessage);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("EncryptionType", "NONE");
    }

    private void GetShardIterator(JsonElement request, Utf8JsonWriter writer)
    {
        var stream = ResolveStream(request);
        var shardId = RequiredString(request, "ShardId", "shardId");
        if (!stream.HasShard(shardId))
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Shard {shardId} in stream {stream.StreamName} under account {stream.Options.AccountId} does not exist");
        }

        var type = RequiredString(request, "ShardIteratorType", "shardIteratorType");
        UInt128? after = type switch
        {
            "TRIM_HORIZON" => null,
            "LATEST" => stream.LatestSequenceNumber(shardId),
            "AT_SEQUENCE_NUMBER" => StartingSequenceNumber(request, stream, shardId, type) - 1,
            "AFTER_SEQUENCE_NUMBER" => StartingSequenceNumber(request, stream, shardId, type),
            "AT_TIMESTAMP" => stream.PositionAt(shardId, Timestamp(request)),
            _ => throw Validation($"Value '{type}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]"),
        };
        writer.WriteString("ShardIterator", new ShardIterator(stream.StreamName, shardId, after, _time.GetUtcNow()).Encode());
    }

    private void GetRecords(JsonElement request, Utf8JsonWriter writer)
    {
        var text = RequiredString(request, "ShardIterator", "shardIterator");
        var limit = OptionalInt(request, "Limit", "limit", 1, MaxGetRecordsLimit) ?? MaxGetRecordsLimit;
        var iterator = ShardIterator.Decode(text) ?? throw InvalidArgument($"Invalid ShardIterator.");
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

        var records = stream.Read(iterator.ShardId, iterator.After, limit, MaxGetRecordsBytes);
        long bytes = 0;
        writer.WriteStartArray("Records");
        foreach (var record in records)
        {
            writer.WriteStartObject();
            writer.WriteString("SequenceNumber", record.SequenceNumber.ToString(CultureInfo.InvariantCulture));
            WriteTimestamp(writer, "ApproximateArrivalTimestamp", record.ApproximateArrivalTimestamp);
            writer.WriteBase64String("Data", record.Data.Span);
            writer.WriteString("PartitionKey", record.PartitionKey);
            writer.WriteEndObject();
            bytes += record.Data.Length;
        }

        writer.WriteEndArray();
        var last = records.Count > 0 ? records[^1] : null;
        var after = last?.SequenceNumber ?? iterator.After;
        writer.WriteString("NextShardIterator", (iterator with { After = after, Issued = now }).Encode());
        // "A value of zero indicates that record processing is caught up": behind only when records remain after the last returned.
        var behind = last is not null && last.SequenceNumber != stream.LatestSequenceNumber(iterator.ShardId)
            ? now - last.ApproximateArrivalTimestamp
            : TimeSpan.Zero;
        writer.WriteNumber("MillisBehindLatest", Math.Max(0, (long)behind.TotalMilliseconds));
        stream.RecordRead(iterator.ShardId, records.Count, bytes, last is null ? TimeSpan.Zero : now - last.ApproximateArrivalTimestamp);
    }

    private static UInt128 StartingSequenceNumber(JsonElement request, DurableStream stream, string shardId, string type)
    {
        var text = OptionalString(request, "StartingSequenceNumber")
            ?? throw InvalidArgument($"StartingSequenceNumber must be specified for shard iterator type {type}.");
        if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequenceNumber))
        {
            throw Validation($"Value '{text}' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{{0,128}})");
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

    private static DateTimeOffset Timestamp(JsonElement request)
    {
        if (!request.TryGetProperty("Timestamp", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw InvalidArgument("Timestamp must be specified for shard iterator type AT_TIMESTAMP.");
        }

        // The JSON protocols send timestamps as epoch seconds, with a fraction (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
        if (value.ValueKind == JsonValueKind.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000));
        }

        return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new AwsServiceException("SerializationException", "Timestamp is not a valid timestamp.");
    }

    private static PutRecordEntry ReadEntry(JsonElement element, string path)
    {
        var partitionKey = RequiredString(element, "PartitionKey", path + "partitionKey");
        if (partitionKey.Length is < 1 or > 256)
        {
            throw Validation($"Value '{partitionKey}' at '{path}partitionKey' failed to satisfy constraint: Member must have length {(partitionKey.Length < 1 ? "greater than or equal to 1" : "less than or equal to 256")}");
        }

        if (!element.TryGetProperty("Data", out var dataElement) || dataElement.ValueKind == JsonValueKind.Null)
        {
            throw Validation($"Value null at '{path}data' failed to satisfy constraint: Member must not be null");
        }

        if (dataElement.ValueKind != JsonValueKind.String || !dataElement.TryGetBytesFromBase64(out var data))
        {
            throw new AwsServiceException("SerializationException", "Data is not a valid base64 string.");
        }

        if (data.Length > MaxRecordBytes)
        {
            throw Validation($"Value at '{path}data' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordBytes}");
        }

        UInt128? explicitHashKey = null;
        if (OptionalString(element, "ExplicitHashKey") is { } hashKey)
        {
            // "ExplicitHashKey ... Pattern: 0|([1-9]\d{0,38})"; beyond 2^128 - 1 is an invalid argument.
            explicitHashKey = UInt128.TryParse(hashKey, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && (hashKey == "0" || hashKey[0] != '0')
                ? parsed
                : throw InvalidArgument($"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {hashKey}");
        }

        return new PutRecordEntry(partitionKey, data, explicitHashKey);
    }

    private DurableStream ResolveStream(JsonElement request) => Resolve(_streams, request);

    private static DurableStream Resolve(SortedDictionary<string, DurableStream> streams, JsonElement request)
    {
        var name = OptionalString(request, "StreamName");
        var arn = OptionalString(request, "StreamARN");
        if (name is null && arn is null)
        {
            throw InvalidArgument("Either StreamName or StreamARN should be provided.");
        }

        DurableStream? stream;
        if (arn is not null)
        {
            stream = streams.Values.FirstOrDefault(s => s.StreamArn == arn)
                ?? throw new AwsServiceException("ResourceNotFoundException", $"Stream {arn} not found.");
            if (name is not null && name != stream.StreamName)
            {
                throw InvalidArgument($"StreamARN {arn} and StreamName {name} do not name the same stream.");
            }

            return stream;
        }

        return streams.TryGetValue(name!, out stream)
            ? stream
            : throw new AwsServiceException("ResourceNotFoundException", $"Stream {name} under account {streams.Values.FirstOrDefault()?.Options.AccountId ?? "000000000000"} not found.");
    }

    private static void WriteStreamHeader(Utf8JsonWriter writer, DurableStream stream)
    {
        writer.WriteString("StreamName", stream.StreamName);
        writer.WriteString("StreamARN", stream.StreamArn);
        writer.WriteString("StreamStatus", "ACTIVE");
        WriteStreamMode(writer);
        writer.WriteNumber("RetentionPeriodHours", (int)stream.Options.Retention.TotalHours);
        WriteTimestamp(writer, "StreamCreationTimestamp", stream.CreationTimestamp);
        writer.WriteStartArray("EnhancedMonitoring");
        writer.WriteStartObject();
        writer.WriteStartArray("ShardLevelMetrics");
        foreach (var metric in ShardLevelMetrics)
        {
            writer.WriteStringValue(metric);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        // The twin does not encrypt at rest; AWS would say KMS for the Terraform's stream.
        writer.WriteString("EncryptionType", "NONE");
    }

    private static void WriteStreamMode(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("StreamModeDetails");
        writer.WriteString("StreamMode", "PROVISIONED");
        writer.WriteEndObject();
    }

    private static void WriteShards(Utf8JsonWriter writer, DurableStream stream, IEnumerable<string> shardIds)
    {
        writer.WriteStartArray("Shards");
        foreach (var shardId in shardIds)
        {
            var (range, starting) = stream.DescribeShard(shardId);
            writer.WriteStartObject();
            writer.WriteString("ShardId", shardId);
            writer.WriteStartObject("HashKeyRange");
            writer.WriteString("StartingHashKey", range.StartingHashKey.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("EndingHashKey", range.EndingHashKey.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteStartObject("SequenceNumberRange");
            writer.WriteString("StartingSequenceNumber", starting.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Epoch seconds with milliseconds, as the JSON protocols write timestamps.</summary>
    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset value) =>
        writer.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000m);

    /// <summary>Times in Kinesis's ExpiredIteratorException message are Java's <c>Date.toString()</c>.</summary>
    private static string JavaDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    private static string RequiredString(JsonElement request, string name, string path) =>
        OptionalString(request, name) ?? throw Validation($"Value null at '{path}' failed to satisfy constraint: Member must not be null");

    private static string? OptionalString(JsonElement request, string name) =>
        request.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? OptionalInt(JsonElement request, string name, string path, int minimum, int maximum)
    {
        if (!request.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var number = value.GetInt32();
        return number < minimum
            ? throw Validation($"Value '{number}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {minimum}")
            : number > maximum
                ? throw Validation($"Value '{number}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {maximum}")
                : number;
    }

    /// <summary>A request that breaks a modeled constraint, worded as AWS's validation layer words it.</summary>
    private static AwsServiceException Validation(string detail) => new("ValidationException", "1 validation error detected: " + detail);

    private static AwsServiceException InvalidArgument(string message) => new("InvalidArgumentException", message);
}
