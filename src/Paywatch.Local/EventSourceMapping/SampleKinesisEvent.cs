using System.Buffers;
using Paywatch.Local.Functions;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// A Lambda Kinesis event as the twin's mapping (and so Lambda's, with the deployed tumbling window) would invoke the
/// function with: one batch of records from the first shard, all in one window with empty state. What
/// <c>paywatch generate --kinesis-event</c> writes, as <c>sam local generate-event kinesis get-records</c> does for SAM.
/// </summary>
public static class SampleKinesisEvent
{
    /// <summary>The event's JSON for <paramref name="records"/>, arrived at <paramref name="arrival"/> one millisecond apart.</summary>
    public static byte[] Write(IReadOnlyList<(ReadOnlyMemory<byte> Data, string PartitionKey)> records, LocalTwinSettings settings, DateTimeOffset arrival)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(settings);
        var mapping = new EventSourceMappingOptions { Region = settings.Region, AccountId = LocalTwinSettings.AccountId };
        var function = new LocalFunctionOptions { FunctionName = settings.FunctionName, Region = settings.Region, AccountId = LocalTwinSettings.AccountId };
        var stored = records.Select((r, i) => new StoredRecord((UInt128)(i + 1), r.PartitionKey, r.Data, arrival.AddMilliseconds(i))).ToArray();
        var window = stored.Length == 0 || mapping.TumblingWindow == TimeSpan.Zero ? null
            : new KinesisEventWriter.WindowPart(TumblingWindowRange.Of(arrival, mapping.TumblingWindow), default, IsFinalInvokeForWindow: false, IsWindowTerminatedEarly: false);
        return KinesisEventWriter.Write(new ArrayBufferWriter<byte>(), stored, "shardId-000000000000", settings.StreamArn, settings.Region, function.RoleArn, window).ToArray();
    }
}
