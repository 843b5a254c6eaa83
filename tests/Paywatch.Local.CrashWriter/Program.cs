using System.Globalization;
using System.Text;
using Paywatch.Local.Streams;

// Usage: Paywatch.Local.CrashWriter <data folder> [writers]
// Writes PutRecords batches of 100 from several concurrent writers until killed. After each batch is acknowledged
// (durable), prints one line per record: "<partition key> <shard id> <sequence number> ." — the final "." marks a line
// printed whole, so a reader can ignore one cut short by the kill. The data of a record is CrashRecord.Data(key).
var folder = args[0];
var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var stream = DurableStream.Open(new DurableStreamOptions("transaction-stream-local", folder));
var output = Console.OpenStandardOutput();
var outputLock = new Lock();
var run = Guid.NewGuid().ToString("N")[..8];

await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
{
    for (var batch = 0; ; batch++)
    {
        var entries = Enumerable.Range(0, 100)
            .Select(i => $"{run}-w{writer}-b{batch}-r{i}")
            .Select(key => new PutRecordEntry(key, CrashRecord.Data(key)))
            .ToList();
        var results = await stream.PutRecordsAsync(entries);
        var lines = new StringBuilder();
        for (var i = 0; i < entries.Count; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{entries[i].PartitionKey} {results[i].ShardId} {results[i].SequenceNumber} .\n");
        }

        var bytes = Encoding.UTF8.GetBytes(lines.ToString());
        lock (outputLock)
        {
            output.Write(bytes);
            output.Flush();
        }
    }
})));

/// <summary>The data each record carries: a function of its partition key, so a reader can check it is intact.</summary>
internal static class CrashRecord
{
    public static byte[] Data(string key) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(key + ";", 8)));
}
