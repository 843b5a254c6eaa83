using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Queues;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>One message redriven: its batch's records are back on the stream.</summary>
public sealed record RedrivenBatch(string MessageId, int Records);

/// <summary>One message kept, and why.</summary>
public sealed record RedriveFailure(string MessageId, string Reason);

/// <summary>
/// Redrives the failed batches of the DLQ: each message is Lambda's on-failure record, which names its batch
/// (<c>KinesisBatchInfo</c>: shard, first and last sequence numbers, size), not the records themselves
/// (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html). The records are read back
/// from the stream, as AWS's guide has a consumer do with GetShardIterator AT_SEQUENCE_NUMBER, and put on the stream
/// again with their partition keys, in order, so that the processor sees them once more; then the message is deleted.
/// </summary>
/// <remarks>
/// Nothing is lost: a message is deleted only after every record of its batch is acknowledged by the stream. A
/// batch whose records have passed the stream's retention, or that is only partly put (throttled), keeps its message
/// and is reported; a partial put may then deliver some records twice, which at-least-once processing allows.
/// </remarks>
public sealed class FailedBatchRedrive(DurableQueue queue, DurableStream stream)
{
    /// <param name="messageIds">The messages to redrive; null for every visible one.</param>
    public async Task<(IReadOnlyList<RedrivenBatch> Redriven, IReadOnlyList<RedriveFailure> Failed)> RedriveAsync(
        IReadOnlyCollection<string>? messageIds, CancellationToken cancellationToken)
    {
        var messages = queue.Peek();
        var stored = messages.ToDictionary(m => m.MessageId, StringComparer.Ordinal);
        var redriven = new List<RedrivenBatch>();
        var failed = new List<RedriveFailure>();
        // Oldest first, as the queue holds them.
        var wanted = messageIds ?? [.. messages.Where(m => m.Visible).Select(m => m.MessageId)];
        foreach (var id in wanted)
        {
            var message = stored.GetValueOrDefault(id);
            var problem = message is null ? "no such message in the queue (already redriven or deleted)"
                : !message.Visible ? "a consumer holds it (in flight); try again when its visibility timeout ends"
                : null;
            if (problem is null)
            {
                (var records, problem) = ReadBatch(message!.Body);
                if (records is not null)
                {
                    problem = await PutBackAsync(records, cancellationToken).ConfigureAwait(false);
                    if (problem is null)
                    {
                        // Deleted only now that every record is acknowledged; if a consumer took it meanwhile, say so.
                        if (queue.DeleteVisible(id))
                        {
                            redriven.Add(new RedrivenBatch(id, records.Count));
                            continue;
                        }

                        problem = "its records were put back, but a consumer received the message meanwhile, so it was not deleted";
                    }
                }
            }

            failed.Add(new RedriveFailure(id, problem!));
        }

        return (redriven, failed);
    }

    private (List<StoredRecord>? Records, string? Problem) ReadBatch(string body)
    {
        string shardId, streamArn;
        UInt128 first, last;
        int size;
        try
        {
            using var document = JsonDocument.Parse(body);
            var info = document.RootElement.GetProperty("KinesisBatchInfo");
            shardId = info.GetProperty("shardId").GetString()!;
            streamArn = info.GetProperty("streamArn").GetString()!;
            first = UInt128.Parse(info.GetProperty("startSequenceNumber").GetString()!, CultureInfo.InvariantCulture);
            last = UInt128.Parse(info.GetProperty("endSequenceNumber").GetString()!, CultureInfo.InvariantCulture);
            size = info.GetProperty("batchSize").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentNullException)
        {
            return (null, $"the message is not a Kinesis on-failure record with KinesisBatchInfo ({e.Message})");
        }

        if (streamArn != stream.StreamArn || !stream.HasShard(shardId))
        {
            return (null, $"the batch is of {streamArn} {shardId}, not of this twin's stream {stream.StreamArn}");
        }

        var records = stream.Read(shardId, first == 0 ? null : first - 1, size, int.MaxValue).Where(r => r.SequenceNumber <= last).ToList();
        if (records.Count == 0 || records[0].SequenceNumber != first)
        {
            return (null, "the batch's records have passed the stream's retention period");
        }

        return (records, null);
    }

    private async Task<string?> PutBackAsync(List<StoredRecord> records, CancellationToken cancellationToken)
    {
        // PutRecords takes at most 500 records a request.
        foreach (var chunk in records.Chunk(500))
        {
            var results = await stream.PutRecordsAsync([.. chunk.Select(r => new PutRecordEntry(r.PartitionKey, r.Data))], cancellationToken).ConfigureAwait(false);
            var refused = results.Count(r => r.ErrorCode is not null);
            if (refused > 0)
            {
                return $"the stream refused {refused} of the batch's {records.Count} records ({results.First(r => r.ErrorCode is not null).ErrorCode}); the message is kept";
            }
        }

        return null;
    }
}
